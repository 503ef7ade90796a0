/* placeholder: module not written yet */
typedef int rs_placeholder_ewf;
