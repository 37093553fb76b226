// The one child-process runner: exit codes as the program gives them, 127 when it can't start,
// 124 when it runs past the timeout (and is really stopped), stdin delivered, never a throw.
import { describe, expect, it } from 'vitest';
import { run } from '../../src/main/run.js';

describe('run', () => {
  it('passes the exit code, stdout, stderr and stdin through', async () => {
    const r = await run('sh', ['-c', 'read x; echo "got $x"; echo oops >&2; exit 3'], { input: 'secret\n' });
    expect(r).toMatchObject({ code: 3, stdout: 'got secret\n', stderr: 'oops\n' });
    expect(r.notFound).toBeUndefined();
  });

  it('a program that is not there is code 127, not an exception', async () => {
    const r = await run('/nonexistent/lantrust-tool', ['x']);
    expect(r).toMatchObject({ code: 127, notFound: true });
    expect(r.stderr).toMatch(/ENOENT/);
  });

  it('a program past its timeout is stopped: code 124', async () => {
    const t0 = Date.now();
    const r = await run('sleep', ['30'], { timeoutMs: 200 });
    expect(r).toMatchObject({ code: 124, timedOut: true });
    expect(Date.now() - t0).toBeLessThan(20_000); // stopped, not waited out
  });

  it('timeoutMs 0 waits for as long as the program runs', async () => {
    const r = await run('sh', ['-c', 'sleep 0.3; exit 0'], { timeoutMs: 0 });
    expect(r.code).toBe(0);
  });
});
