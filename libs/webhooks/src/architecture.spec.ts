import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

// The library's layering, checked on its sources: the folders import each other without a
// cycle, SQL and the DataSource stay in storage/, files stay small.

const SOURCES = resolve(process.cwd(), 'libs/webhooks/src');
const MAX_LINES = 250;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** A file's unit of layering: its folder under src/, or the file itself at the top. */
function unitOf(file: string): string {
  const [first, ...rest] = relative(SOURCES, file).split('/');
  return rest.length === 0 ? first.replace(/\.ts$/, '') : first;
}

function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => `${resolve(dirname(file), name).replace(/\.js$/, '')}.ts`);
}

/** Every cycle of the unit graph, as paths (Tarjan's strongly connected components of more than one unit). */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (unit: string): void => {
    index.set(unit, counter);
    low.set(unit, counter++);
    stack.push(unit);
    onStack.add(unit);
    for (const next of edges.get(unit) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(unit, Math.min(low.get(unit)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(unit, Math.min(low.get(unit)!, index.get(next)!));
    }
    if (low.get(unit) === index.get(unit)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== unit);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const unit of edges.keys()) if (!index.has(unit)) visit(unit);
  return components;
}

describe('the library’s architecture', () => {
  const files = sourceFiles(SOURCES);

  it('has no import cycle between its folders', () => {
    const edges = new Map<string, Set<string>>();
    const examples = new Map<string, string>();
    for (const file of files) {
      const from = unitOf(file);
      for (const target of importsOf(file)) {
        const to = unitOf(target);
        if (to === from) continue;
        edges.set(from, (edges.get(from) ?? new Set()).add(to));
        examples.set(`${from} -> ${to}`, `${relative(SOURCES, file)} imports ${relative(SOURCES, target)}`);
      }
    }
    const found = cycles(edges).map((component) => ({
      units: component,
      edges: [...examples].filter(([edge]) => component.some((a) => component.some((b) => edge === `${a} -> ${b}`))).map(([, example]) => example),
    }));
    expect(found).toEqual([]);
  });

  it('keeps SQL, query building and the DataSource in storage/', () => {
    const outside = files.filter((file) => !relative(SOURCES, file).startsWith('storage/'));
    const offenders = outside.filter((file) => /\.query\(|createQueryBuilder|InjectDataSource|getRepository\(|\bDataSource\b.*from 'typeorm'|from 'typeorm'.*\bDataSource\b/.test(readFileSync(file, 'utf8')));
    expect(offenders.map((file) => relative(SOURCES, file))).toEqual([]);
  });

  it(`keeps every source file under ${MAX_LINES} lines`, () => {
    const long = files.filter((file) => readFileSync(file, 'utf8').split('\n').length > MAX_LINES + 1);
    expect(long.map((file) => relative(SOURCES, file))).toEqual([]);
  });
});
