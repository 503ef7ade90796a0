# -*- coding: utf-8 -*-
"""Turbinia task wrapping the redsleuth CLI (Code Red family triage).

Contract honoured: non-interactive (no prompt, no stdin), everything written under
the task's output_dir, exit codes mapped (0 clean, 10 indicators, 11 partly
unreadable are all successful runs; 2/3/4 are failures), a JSON summary plus the
readable report returned in the task result, and the Timesketch JSONL timeline
saved for import.

Drop this file into turbinia/workers/ and register RedsleuthTask for RawDisk /
EwfDisk evidence. The pure helpers (build_command, summarize) carry the logic so
they can be tested without a Turbinia installation.
"""

import json
import os

SUCCESS_CODES = (0, 10, 11)
INDICATOR_STATUSES = ('backdoor-used', 'infected', 'cleaned', 'vulnerable', 'mitigated')


def build_command(image_path, output_dir, binary='redsleuth', case=None, examiner=None,
                  no_hash=False, extra_segments=()):
  """Returns the argv list (never a shell string: evidence paths may hold anything)."""
  cmd = [binary, 'scan', '--out-dir', output_dir]
  if case:
    cmd += ['--case', str(case)]
  if examiner:
    cmd += ['--examiner', str(examiner)]
  if no_hash:
    cmd.append('--no-hash')
  cmd.append('--')
  cmd.append(image_path)
  cmd.extend(extra_segments)
  return cmd


def summarize(report):
  """(priority, markdown) from a redsleuth-report/1 document."""
  verdict = report.get('verdict', {})
  status = verdict.get('status', 'undetermined')
  lines = ['# redsleuth: {0}'.format(status), '', verdict.get('summary', '')]
  for item in verdict.get('cleanup', []):
    lines.append('* {0}: {1}'.format(item.get('status'), item.get('item')))
  unreadable = report.get('unreadable', [])
  if unreadable:
    lines.append('')
    lines.append('{0} part(s) could not be read'.format(len(unreadable)))
  if status in ('backdoor-used', 'infected'):
    priority = 10    # Turbinia Priority.CRITICAL
  elif status in INDICATOR_STATUSES:
    priority = 20    # Priority.HIGH
  else:
    priority = 80    # Priority.LOW
  return priority, '\n'.join(lines)


try:  # the task class only exists where Turbinia does
  from turbinia.evidence import EvidenceState as state
  from turbinia.evidence import ReportText
  from turbinia.workers import TurbiniaTask
except ImportError:  # pragma: no cover - exercised by the tests' fake modules
  TurbiniaTask = None

if TurbiniaTask is not None:

  class RedsleuthTask(TurbiniaTask):
    """Runs `redsleuth scan` on a disk image."""

    REQUIRED_STATES = [state.ATTACHED]

    def run(self, evidence, result):
      out = os.path.join(self.output_dir, 'redsleuth')
      os.makedirs(out, exist_ok=True)
      path = getattr(evidence, 'local_path', None) or evidence.device_path
      cmd = build_command(path, out)
      result.log('Running redsleuth as [{0:s}]'.format(' '.join(cmd)))
      report_path = os.path.join(out, 'report.json')
      text_path = os.path.join(out, 'report.txt')
      saved = [os.path.join(out, n) for n in
               ('report.json', 'report.txt', 'report.html', 'timeline.jsonl', 'timeline.body')]
      ret, result = self.execute(cmd, result, save_files=saved, success_codes=list(SUCCESS_CODES),
                                 close=False)
      if ret not in SUCCESS_CODES or not os.path.exists(report_path):
        result.close(self, success=False, status='redsleuth exited {0}'.format(ret))
        return result
      with open(report_path, encoding='utf-8') as f:
        report = json.load(f)
      priority, markdown = summarize(report)
      result.report_priority = priority
      result.report_data = markdown
      new = ReportText(source_path=text_path)
      new.text_data = markdown
      result.evidence.append(new)
      result.close(self, success=True, status=report.get('verdict', {}).get('status'))
      return result
