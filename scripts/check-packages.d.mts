// Types for scripts/check-packages.mjs (used by the tests under tools/packaging/test and apps/*/test).

export interface PackageInfo {
  name: string;
  version: string;
  dir: string;
  pj: Record<string, unknown> & {
    private?: boolean;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
}
export interface Packed {
  name: string;
  version: string;
  dir: string;
  tarball: string;
}
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}
export interface ToolResult {
  ok: boolean;
  code: number;
  output: string;
}
export interface LintResult {
  ok: boolean;
  publint: ToolResult;
  attw: ToolResult;
}

export const defaultRoot: string;
export function run(
  cmd: string,
  args: string[],
  opts?: { cwd?: string; env?: Record<string, string>; timeout?: number },
): Promise<RunResult>;
export function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]>;
export function listPackages(root?: string, opts?: { includePrivate?: boolean }): PackageInfo[];
export function dependencyClosure(pkgs: PackageInfo[], names: string[]): PackageInfo[];
export function pnpmCommand(root?: string): [string, string[]];
export function packPackages(
  pkgs: PackageInfo[],
  dest: string,
  opts?: { root?: string; concurrency?: number },
): Promise<Packed[]>;
export function lintTarball(tarball: string, opts?: { root?: string }): Promise<LintResult>;
export function checkPackages(opts?: {
  root?: string;
  only?: string[];
  dest: string;
  concurrency?: number;
}): Promise<(Packed & LintResult)[]>;
