// moto (a real AWS API emulator, `moto[server]` from PyPI) for the live-scan tests and benchmark:
// installed into .venv-moto from test/moto-requirements.txt when missing (as .ci/run does on a fresh
// machine), started on a free loopback port, reset between tests and stopped at the end. Failing to
// install or start it fails the tests with the reason: the live tests are never skipped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..', '..');
const venv = join(repo, '.venv-moto');
const requirements = join(repo, 'test', 'moto-requirements.txt');
const stamp = join(venv, 'requirements.installed');

/** The moto_server executable: ROLEFIT_MOTO_SERVER, else the project's venv (installed if missing or outdated). */
export function motoServerPath(): string {
  if (process.env.ROLEFIT_MOTO_SERVER) return process.env.ROLEFIT_MOTO_SERVER;
  const bin = join(venv, 'bin', 'moto_server');
  const wanted = readFileSync(requirements, 'utf8');
  if (existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return bin;
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { cwd: repo, encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) {
      throw new Error(
        `the live-scan tests need moto (${wanted.trim()}) and could not install it with \`${cmd} ${args.join(' ')}\`: ` +
          `${r.error?.message ?? r.stderr.trim().split('\n').slice(-3).join(' ')}. ` +
          `Install it by hand (python3 -m venv .venv-moto && .venv-moto/bin/pip install -r test/moto-requirements.txt) or set ROLEFIT_MOTO_SERVER to a moto_server executable.`,
      );
    }
  };
  if (!existsSync(join(venv, 'bin', 'pip'))) run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', '-r', requirements]);
  writeFileSync(stamp, wanted);
  return bin;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Moto {
  url: string;
  /** Forgets every resource (between tests). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts moto_server on a free loopback port, with AWS managed policies loaded (IAM attaches them). */
export async function startMoto(): Promise<Moto> {
  const bin = motoServerPath();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const s of [child.stdout, child.stderr]) s?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${output}`);
    try {
      if ((await fetch(`${url}/moto-api/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`moto_server did not start within 60 s: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async reset() {
      const r = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!r.ok) throw new Error(`moto reset failed: ${r.status}`);
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
