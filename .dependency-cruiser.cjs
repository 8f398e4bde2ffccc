// The architecture, enforced (STYLE.md 2b): imports run one way. Run by test/architecture/dependencies.test.ts
// (part of `npm test`); `npx depcruise src` prints the same verdict.
//
//   core (src/*.ts, uri/, backup-codes/, internal/)   pure: no server, stores, qr, testing, cli, Node built-ins
//   server:  types/ ← record/ ← checks/ ← operations/ ← service (src/server/*.ts: index, service, options, transact)
//   qr, stores, testing, cli sit on top of the core (stores and testing on the server's public surface too).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'An import cycle (type-only imports included) is a bug: a reader has no ground floor to start from.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'The core knows nothing of the service, the stores, QR, the test kit or the CLI.',
      from: { path: '^src/', pathNot: '^src/(server|stores|testing|cli)/|^src/qr\\.ts$' },
      to: { path: '^src/(server|stores|testing|cli)/|^src/qr\\.ts$' },
    },
    {
      name: 'core-has-no-node-builtins',
      severity: 'error',
      comment: 'The core runs in browsers and edge workers: no Node built-ins.',
      from: { path: '^src/', pathNot: '^src/(stores|testing|cli)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'server-types-are-the-ground',
      severity: 'error',
      comment: 'src/server/types/ is a leaf of shared types: it imports no other server module.',
      from: { path: '^src/server/types/' },
      to: { path: '^src/server/', pathNot: '^src/server/types/' },
    },
    {
      name: 'server-record-below-checks',
      severity: 'error',
      comment: 'The record (its types, parsing, store, sealing) knows nothing of checks, operations or the service.',
      from: { path: '^src/server/record/' },
      to: { path: '^src/server/(checks|operations)/|^src/server/[^/]+\\.ts$' },
    },
    {
      name: 'server-checks-below-operations',
      severity: 'error',
      comment: 'Checks are steps the operations compose: they never call an operation or the service.',
      from: { path: '^src/server/checks/' },
      to: { path: '^src/server/operations/|^src/server/[^/]+\\.ts$' },
    },
    {
      name: 'server-operations-below-service',
      severity: 'error',
      comment: 'Operations see the context interface, never the service that assembles them.',
      from: { path: '^src/server/operations/' },
      to: { path: '^src/server/[^/]+\\.ts$' },
    },
    {
      name: 'server-apart-from-its-users',
      severity: 'error',
      comment: 'The server is used by the stores, the test kit and the CLI, never the other way round.',
      from: { path: '^src/server/' },
      to: { path: '^src/(stores|testing|cli)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a cycle through types is still a cycle for a reader.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.d\\.ts$' },
  },
};
