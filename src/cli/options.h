#ifndef RS_CLI_OPTIONS_H
#define RS_CLI_OPTIONS_H
/* Entry point of the command line (src/cli/options.c). */
int rs_cli_main(int argc, char **argv);
#endif
