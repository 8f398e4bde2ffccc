/** Every file the package.json of `root` points into dist/ (exports, main, module, types, bin), absolute. */
export function builtFiles(root: string): string[];
/** Why dist/ under `root` needs a build (a sentence), or null when every built file is newer than every source. */
export function staleReason(root: string): string | null;
