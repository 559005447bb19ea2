import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { packagedCliArgs } from '../../main/service/packaged-cli';
import { loadPackaging } from '../../scripts/packaging/check-packaging';

/**
 * Running ScimDesk at boot with nobody logged on (README: "Run as a service"): the Windows
 * scheduled task and the systemd unit are checked as far as this machine can (the XML is parsed
 * strictly and held to the Task Scheduler schema's names; the unit goes through
 * `systemd-analyze verify`), and the command line each starts is run here and must bring up
 * the service and stop on the signal its manager sends.
 */
const root = join(import.meta.dirname, '..', '..');
const TASK_XML = join(root, 'resources', 'windows', 'scimdesk-task.xml');
const UNIT = join(root, 'resources', 'linux', 'scimdesk.service');
const TASK_NS = 'http://schemas.microsoft.com/windows/2004/02/mit/task';
const readme = readFileSync(join(root, 'README.md'), 'utf8');

const folders: string[] = [];
after(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scimdesk-service-'));
  folders.push(dir);
  return dir;
}

// Both parsers come with electron-builder: sax (strict mode) refuses what is not well-formed, xmldom gives the tree.
const require = createRequire(import.meta.url);
interface XmlElement {
  readonly localName: string;
  readonly namespaceURI: string | null;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<{ readonly nodeType: number }>;
  getAttribute(name: string): string | null;
}

/** The XML's root element, or an assertion failure naming every well-formedness error. */
function parseStrictly(text: string): XmlElement {
  const errors: string[] = [];
  const sax = require('sax') as { parser(strict: boolean): { onerror: (error: Error) => void; error: unknown; resume(): void; write(text: string): { close(): void } } };
  const parser = sax.parser(true);
  parser.onerror = (error) => {
    errors.push(`sax: ${error.message.split('\n')[0]}`);
    parser.error = null;
    parser.resume();
  };
  parser.write(text).close();
  const { DOMParser } = require('@xmldom/xmldom') as { DOMParser: new (options: object) => { parseFromString(text: string, type: string): { documentElement: XmlElement } } };
  const report = (level: string) => (message: string) => errors.push(`xmldom ${level}: ${message.split('\n')[0]}`);
  const document = new DOMParser({ errorHandler: { warning: report('warning'), error: report('error'), fatalError: report('fatal') } }).parseFromString(text, 'text/xml');
  assert.deepEqual(errors, [], 'the XML is not well-formed');
  return document.documentElement;
}

const elements = (parent: XmlElement): XmlElement[] => Array.from(parent.childNodes).filter((node) => node.nodeType === 1) as unknown as XmlElement[];
function child(parent: XmlElement, ...path: string[]): XmlElement {
  let at = parent;
  for (const name of path) {
    const found = elements(at).filter((element) => element.localName === name);
    assert.equal(found.length, 1, `one <${name}> in <${at.localName}>`);
    at = found[0]!;
  }
  return at;
}
const text = (parent: XmlElement, ...path: string[]) => child(parent, ...path).textContent?.trim() ?? '';

/** A Windows command line split as CommandLineToArgvW does for these simple cases (quotes group, no escapes). */
function splitWindowsArgs(line: string): string[] {
  assert.doesNotMatch(line, /\\"/, 'no backslash before a quote (CommandLineToArgvW would read it as an escape)');
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]!);
}

/** Starts a service command, waits for its "Press Ctrl+C" line, sends `signal` and returns the output and exit code. */
async function runUntilReady(command: string, args: string[], cwd: string, signal: NodeJS.Signals): Promise<{ output: string; code: number | null }> {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "Press Ctrl+C" line in 30 s:\n${output}`)), 30_000);
      child.stdout.on('data', () => output.includes('Press Ctrl+C') && (clearTimeout(timer), resolve()));
      void exited.then((code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    child.kill(signal);
    const code = await exited;
    return { output, code };
  } finally {
    child.kill('SIGKILL');
  }
}

describe('the Windows scheduled task (resources/windows/scimdesk-task.xml)', () => {
  const task = parseStrictly(readFileSync(TASK_XML, 'utf8'));
  const { config } = loadPackaging(root);
  const executable = `${config.win?.executableName ?? config.productName}.exe`;

  it('is well-formed Task Scheduler XML, with only names the Task Scheduler schema defines where they are', () => {
    assert.equal(task.localName, 'Task');
    assert.equal(task.namespaceURI, TASK_NS);
    assert.equal(task.getAttribute('version'), '1.2');
    // From the Task Scheduler schema (learn.microsoft.com: taskType, settingsType, principalType, bootTriggerType, execType, restartType, repetitionType).
    const allowed: Record<string, readonly string[]> = {
      Task: ['RegistrationInfo', 'Triggers', 'Settings', 'Data', 'Principals', 'Actions'],
      Settings: ['AllowStartOnDemand', 'RestartOnFailure', 'MultipleInstancesPolicy', 'DisallowStartIfOnBatteries', 'StopIfGoingOnBatteries', 'AllowHardTerminate', 'StartWhenAvailable', 'NetworkProfileName', 'RunOnlyIfNetworkAvailable', 'WakeToRun', 'Enabled', 'Hidden', 'DeleteExpiredTaskAfter', 'IdleSettings', 'NetworkSettings', 'ExecutionTimeLimit', 'Priority', 'RunOnlyIfIdle'],
      Principal: ['UserId', 'LogonType', 'GroupId', 'DisplayName', 'RunLevel'],
      Exec: ['Command', 'Arguments', 'WorkingDirectory'],
      RestartOnFailure: ['Interval', 'Count'],
      Repetition: ['Interval', 'Duration', 'StopAtDurationEnd'],
    };
    const check = (element: XmlElement) => {
      const names = elements(element).map((each) => each.localName);
      if (allowed[element.localName]) for (const name of names) assert.ok(allowed[element.localName]!.includes(name), `<${name}> is not a child of <${element.localName}> in the schema`);
      elements(element).forEach(check);
    };
    check(task);
    // A trigger's children are a sequence: Enabled, StartBoundary, EndBoundary, Repetition, ExecutionTimeLimit, then Delay.
    const order = ['Enabled', 'StartBoundary', 'EndBoundary', 'Repetition', 'ExecutionTimeLimit', 'Delay'];
    const trigger = elements(child(task, 'Triggers', 'BootTrigger')).map((each) => order.indexOf(each.localName));
    assert.ok(trigger.every((index, at) => index >= 0 && (at === 0 || index > trigger[at - 1]!)), 'BootTrigger children in schema order');
    // Exec's children are a sequence too: Command, Arguments, WorkingDirectory.
    const exec = elements(child(task, 'Actions', 'Exec')).map((each) => allowed['Exec']!.indexOf(each.localName));
    assert.deepEqual(exec, [...exec].sort());
  });

  it('starts at boot as LOCAL SERVICE, with nobody logged on, for good, and again within 5 minutes if it stopped', () => {
    assert.equal(text(task, 'Triggers', 'BootTrigger', 'Enabled'), 'true');
    assert.equal(text(task, 'Triggers', 'BootTrigger', 'Repetition', 'Interval'), 'PT5M');
    assert.equal(text(task, 'Settings', 'MultipleInstancesPolicy'), 'IgnoreNew');
    assert.equal(text(task, 'Settings', 'ExecutionTimeLimit'), 'PT0S', 'no time limit (the default stops a task after 72 hours)');
    assert.equal(text(task, 'Settings', 'DisallowStartIfOnBatteries'), 'false');
    assert.equal(text(task, 'Settings', 'StopIfGoingOnBatteries'), 'false');
    const principal = child(task, 'Principals', 'Principal');
    assert.equal(text(principal, 'UserId'), 'S-1-5-19');
    assert.equal(text(principal, 'RunLevel'), 'LeastPrivilege');
    assert.equal(child(task, 'Actions').getAttribute('Context'), principal.getAttribute('id'));
  });

  it('runs the installed ScimDesk.exe --serve with its data under ProgramData', () => {
    const command = splitWindowsArgs(text(task, 'Actions', 'Exec', 'Command'));
    assert.deepEqual(command, [`%ProgramFiles%\\${config.productName}\\${executable}`], 'where the all-users installer puts the executable');
    const args = splitWindowsArgs(text(task, 'Actions', 'Exec', 'Arguments'));
    assert.deepEqual(packagedCliArgs(args), ['serve', '--data-dir', '%ProgramData%\\ScimDesk']);
  });

  it('ships with the app where the README registers it from, and the README uses the same data folder', () => {
    const shipped = (config.extraResources ?? []).find((resource) => typeof resource !== 'string' && resource.from === 'resources/windows/scimdesk-task.xml');
    assert.ok(shipped && typeof shipped !== 'string', 'electron-builder.yml extraResources ships the task');
    assert.match(readme, new RegExp(`Register-ScheduledTask -TaskName ScimDesk -Xml \\(Get-Content -Raw "\\$env:ProgramFiles\\\\${config.productName}\\\\resources\\\\${shipped.to}"\\)`));
    assert.match(readme, /\$data = "\$env:ProgramData\\ScimDesk"/);
    assert.match(readme, /\$exe = "\$env:ProgramFiles\\ScimDesk\\ScimDesk\.exe"/);
    assert.match(readme, /icacls \$data \/inheritance:r \/grant:r "\*S-1-5-19:\(OI\)\(CI\)M"/, 'the data folder is opened to the task account alone');
  });

  it('its command line brings the service up through the installed app’s seam and stops it', async () => {
    const data = temporaryDir();
    const args = splitWindowsArgs(text(task, 'Actions', 'Exec', 'Arguments')).map((arg) => arg.replace('%ProgramData%\\ScimDesk', data));
    // Ports of its own: 8631 may be taken on this machine.
    const { output, code } = await runUntilReady(process.execPath, ['--import', 'tsx', 'test/fixtures/scripts/packaged-entry.ts', ...args, '--host', '127.0.0.1', '--port', '0', '--admin-port', '0'], root, 'SIGTERM');
    assert.match(output, new RegExp(`^Data folder: ${data.replace(/[/\\^$.*+?()[\]{}|]/g, '\\$&')}$`, 'm'));
    assert.match(output, /^SCIM endpoint: http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/m);
    assert.match(output, /Stopped\./);
    assert.equal(code, 0);
  });
});

describe('the systemd unit (resources/linux/scimdesk.service)', () => {
  const unit = readFileSync(UNIT, 'utf8');
  const setting = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(unit)?.[1];
  const execStart = (setting('ExecStart') ?? '').split(' ');
  const systemdAnalyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((path) => existsSync(path));

  it('is shown in the README as it is in the repository', () => {
    const shown = /^```ini\n([\s\S]*?)^```$/m.exec(readme)?.[1];
    assert.equal(shown, unit);
  });

  it('runs serve from the checkout as its own user, with the data in its state directory, and restarts on failure', () => {
    assert.equal(setting('User'), 'scimdesk');
    assert.equal(setting('WorkingDirectory'), '/opt/scimdesk');
    assert.deepEqual(execStart.slice(1), ['--import', 'tsx', 'main/service/cli.ts', 'serve', '--data-dir', `/var/lib/${setting('StateDirectory')}`]);
    assert.equal(setting('StateDirectoryMode'), '0700');
    assert.equal(setting('Restart'), 'on-failure');
    assert.equal(setting('WantedBy'), 'multi-user.target');
    assert.match(readme, /sudo useradd --system .* scimdesk$/m);
    assert.match(readme, /^sudo -u scimdesk node --import tsx main\/service\/cli\.ts admin-link --data-dir \/var\/lib\/scimdesk$/m);
  });

  it('passes systemd-analyze verify', { skip: systemdAnalyze ? false : 'systemd-analyze is not installed here (Debian: apt-get install systemd): the unit was NOT verified' }, (t) => {
    let file = UNIT;
    if (!existsSync(execStart[0]!)) {
      // verify checks that ExecStart's program exists: where Node lives elsewhere, check the unit with this Node's path.
      t.diagnostic(`${execStart[0]} does not exist here: verifying with ExecStart=${process.execPath}`);
      file = join(temporaryDir(), 'scimdesk.service');
      writeFileSync(file, unit.replace(`ExecStart=${execStart[0]}`, `ExecStart=${process.execPath}`));
    }
    const run = spawnSync(systemdAnalyze!, ['verify', file], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr + run.stdout);
    // An unknown key or a value systemd cannot parse is only a warning, exit code 0: any output fails the check.
    assert.equal((run.stderr + run.stdout).trim(), '');

    const broken = join(temporaryDir(), 'scimdesk.service');
    writeFileSync(broken, unit.replace('Restart=on-failure', 'Restart=sometimes'));
    assert.notEqual(spawnSync(systemdAnalyze!, ['verify', broken], { encoding: 'utf8' }).stderr.trim(), '', 'verify reports a bad value');
  });

  it('its ExecStart brings the service up from the checkout and stops on SIGTERM, what systemctl stop sends', async () => {
    const data = temporaryDir();
    assert.equal(setting('KillSignal') ?? 'SIGTERM', 'SIGTERM');
    const node = existsSync(execStart[0]!) ? execStart[0]! : process.execPath;
    const args = execStart.slice(1).map((arg) => (arg === `/var/lib/${setting('StateDirectory')}` ? data : arg));
    const { output, code } = await runUntilReady(node, [...args, '--host', '127.0.0.1', '--port', '0', '--admin-port', '0'], root, 'SIGTERM');
    assert.match(output, /^SCIM endpoint: http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/m);
    assert.match(output, /Stopped\./);
    assert.equal(code, 0);
  });
});
