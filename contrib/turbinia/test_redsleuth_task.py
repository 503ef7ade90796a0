"""Tests the Turbinia task's command construction and result handling against a
fake Turbinia runner (Turbinia itself is not a Debian package)."""
import json
import os
import sys
import tempfile
import types
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def install_fake_turbinia():
  """Minimal stand-ins for the three Turbinia names the task imports."""
  ev = types.ModuleType('turbinia.evidence')

  class EvidenceState:
    ATTACHED = 'attached'

  class ReportText:
    def __init__(self, source_path=None):
      self.source_path = source_path
      self.text_data = None

  ev.EvidenceState = EvidenceState
  ev.ReportText = ReportText
  wk = types.ModuleType('turbinia.workers')

  class TurbiniaTask:
    def __init__(self, output_dir, exit_code, report):
      self.output_dir = output_dir
      self.exit_code = exit_code
      self.report = report
      self.calls = []

    def execute(self, cmd, result, save_files=None, success_codes=None, close=False, **kw):
      self.calls.append({'cmd': cmd, 'save_files': save_files, 'success_codes': success_codes,
                         'shell': kw.get('shell', False)})
      out = cmd[cmd.index('--out-dir') + 1]
      if self.report is not None:
        with open(os.path.join(out, 'report.json'), 'w') as f:
          json.dump(self.report, f)
      return self.exit_code, result

  wk.TurbiniaTask = TurbiniaTask
  pkg = types.ModuleType('turbinia')
  sys.modules.update({'turbinia': pkg, 'turbinia.evidence': ev, 'turbinia.workers': wk})


class FakeResult:
  def __init__(self):
    self.logs, self.evidence, self.closed = [], [], None
    self.report_data = self.report_priority = None

  def log(self, msg):
    self.logs.append(msg)

  def close(self, task, success, status=None):
    self.closed = (success, status)


class FakeEvidence:
  def __init__(self, path):
    self.local_path = path
    self.device_path = path


install_fake_turbinia()
sys.path.insert(0, HERE)
import redsleuth_task  # noqa: E402


class CommandTests(unittest.TestCase):
  def test_argv_not_shell(self):
    cmd = redsleuth_task.build_command('/ev/disk;rm -rf.E01', '/out', case='C-1', examiner='J D')
    self.assertEqual(cmd[:4], ['redsleuth', 'scan', '--out-dir', '/out'])
    self.assertEqual(cmd[-1], '/ev/disk;rm -rf.E01')   # one argv element, never parsed
    self.assertIn('--', cmd)
    self.assertEqual(cmd[cmd.index('--case') + 1], 'C-1')
    self.assertEqual(cmd[cmd.index('--examiner') + 1], 'J D')

  def test_summary_priorities(self):
    for status, prio in (('backdoor-used', 10), ('infected', 10), ('vulnerable', 20),
                         ('patched', 80), ('clean', 80)):
      p, md = redsleuth_task.summarize({'verdict': {'status': status, 'summary': 's'}})
      self.assertEqual(p, prio, status)
      self.assertIn(status, md)


class TaskTests(unittest.TestCase):
  def run_task(self, code, report):
    out = tempfile.mkdtemp()
    task = redsleuth_task.RedsleuthTask(out, code, report)
    res = FakeResult()
    task.run(FakeEvidence('/evidence/disk.E01'), res)
    return task, res

  def test_indicators_is_success(self):
    rep = {'verdict': {'status': 'infected', 'summary': 'x',
                       'cleanup': [{'status': 'fail', 'item': 'root.exe'}]}, 'unreadable': []}
    task, res = self.run_task(10, rep)
    call = task.calls[0]
    self.assertFalse(call['shell'])
    self.assertEqual(sorted(call['success_codes']), [0, 10, 11])
    self.assertEqual(res.closed, (True, 'infected'))
    self.assertEqual(res.report_priority, 10)
    self.assertTrue(any(p.endswith('timeline.jsonl') for p in call['save_files']))

  def test_open_failure_is_failure(self):
    task, res = self.run_task(3, None)
    self.assertEqual(res.closed[0], False)
    self.assertIn('3', res.closed[1])


if __name__ == '__main__':
  unittest.main()
