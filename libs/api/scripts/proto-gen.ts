/**
 * Regenerates the TypeScript API from proto/ (`npm run proto:gen`), or with --check fails when
 * the committed code is stale (`npm run proto:check`). buf compiles the .proto files and runs
 * ts-proto as a local plugin, so this works offline from npm packages alone.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(__dirname, '../../..');
const target = join(root, 'libs/api/src/gen');
const check = process.argv.includes('--check');
const buf = join(root, 'node_modules/.bin/buf');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

execFileSync(buf, ['lint', 'proto'], { cwd: root, stdio: 'inherit' });
const out = mkdtempSync(join(tmpdir(), 'helios-proto-'));
try {
  // buf writes to the `out` of buf.gen.yaml relative to cwd, so generate into a scratch copy.
  const template = readFileSync(join(root, 'buf.gen.yaml'), 'utf8').replace('out: libs/api/src/gen', `out: ${out}`);
  const templatePath = join(out, 'buf.gen.yaml');
  writeFileSync(templatePath, template);
  execFileSync(buf, ['generate', '--template', templatePath], { cwd: root, stdio: 'inherit' });
  rmSync(templatePath);
  const fresh = new Map(files(out).map((f) => [relative(out, f), readFileSync(f, 'utf8')]));
  if (check) {
    const committed = new Map(files(target).map((f) => [relative(target, f), readFileSync(f, 'utf8')]));
    const stale = [...new Set([...fresh.keys(), ...committed.keys()])].filter((f) => fresh.get(f) !== committed.get(f));
    if (stale.length > 0) {
      console.error(`generated code is stale (${stale.join(', ')}): run npm run proto:gen and commit the result`);
      process.exit(1);
    }
    console.log(`proto: ${fresh.size} generated files are up to date`);
  } else {
    rmSync(target, { recursive: true, force: true });
    cpSync(out, target, { recursive: true });
    console.log(`proto: wrote ${fresh.size} files to ${relative(root, target)}`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
