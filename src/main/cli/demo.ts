// lantrust demo: the whole flow on an embedded demo company and a simulated camera.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newDemoContext } from '../demo/context.js';
import { steps } from '../demo/steps.js';
import { parse } from './args.js';
import { color } from './format.js';

export const help = `lantrust demo: the whole flow on a demo company and a simulated camera, in a temp folder.

Examples:
  lantrust demo              run it and keep the UI open at the end
  lantrust demo --no-open    run it and exit (what CI does)
  lantrust demo --keep       keep the temp folder to look at the files

Nothing here touches this machine's trust stores or the network: the camera runs on 127.0.0.1.
`;

export async function run(args: string[]): Promise<number> {
  const { values } = parse('demo', args, { 'no-open': { type: 'boolean' }, keep: { type: 'boolean' } }, false);
  const dir = await mkdtemp(join(tmpdir(), 'lantrust-demo-'));
  const ctx = newDemoContext(dir, {
    noOpen: Boolean(values['no-open']),
    say: (t) => process.stdout.write(`   ${t.replace(/\n/g, '\n   ')}\n`),
  });
  process.stdout.write(`${color.bold('lantrust demo')}: a company with one Axis camera, from nothing to "Chrome shows the picture".\nWorking in ${dir}\n`);
  let failed: unknown;
  try {
    for (const [i, step] of steps.entries()) {
      process.stdout.write(`\n${color.bold(`${i + 1}. ${step.title}`)}\n`);
      await step.run(ctx);
    }
  } catch (e) {
    failed = e;
  } finally {
    for (const undo of ctx.cleanup.reverse()) await undo();
    if (!values.keep) await rm(dir, { recursive: true, force: true });
  }
  if (failed) throw failed;
  process.stdout.write(`\n${color.green('Demo finished.')} ${values.keep ? `Files kept in ${dir}.` : 'Temp files removed (use --keep to look at them).'}\n`);
  return 0;
}
