import { createRequire } from 'node:module';

/**
 * Which runtime a native Node module was built for, read from the binary itself. A module built
 * against V8's API (better-sqlite3) exports `node_register_module_v<ABI>`, where ABI is the
 * NODE_MODULE_VERSION of the Node or Electron it was compiled for (Node 20: 115, Electron 40: 143);
 * one that loads anywhere through Node-API exports `napi_register_module_v1` instead. The symbol
 * name is plain ASCII in ELF, PE and Mach-O files alike.
 */
export type NativeModuleAbi = { readonly kind: 'abi'; readonly abi: number } | { readonly kind: 'node-api' } | { readonly kind: 'unknown' };

export function nativeModuleAbi(binary: Buffer): NativeModuleAbi {
  const text = binary.toString('latin1');
  const versioned = /node_register_module_v(\d+)/.exec(text);
  if (versioned) return { kind: 'abi', abi: Number(versioned[1]) };
  if (text.includes('napi_register_module_v1')) return { kind: 'node-api' };
  return { kind: 'unknown' };
}

/**
 * The NODE_MODULE_VERSION of an Electron release, from the node-abi table @electron/rebuild
 * rebuilds with (electron-builder's copy). Throws for a release that table does not know yet:
 * the rebuild could not target it either.
 */
export function electronAbi(version: string): number {
  const builderRequire = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));
  const nodeAbi = builderRequire('node-abi') as { getAbi(target: string, runtime: 'electron' | 'node'): string };
  return Number(nodeAbi.getAbi(version, 'electron'));
}
