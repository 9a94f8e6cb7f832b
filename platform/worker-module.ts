// A worker thread's module next to the module that starts it: the .ts source when running under tsx or
// vitest (the thread then loads tsx too), the compiled .js when running from dist/.

/** The URL of `name` (without extension) beside `base` (import.meta.url), and the execArgv its thread needs. */
export function workerModule(name: string, base: string): { url: URL; execArgv: string[] } {
  const source = base.endsWith('.ts');
  return {
    url: new URL(`./${name}${source ? '.ts' : '.js'}`, base),
    execArgv: source ? ['--import', 'tsx'] : [],
  };
}
