// Entry `@inworkjobs/two-factor/testing`: helpers for users' own tests (Node, vitest for the contract suite).
export { ManualClock } from './clock.js';
export { codeAt } from './code-at.js';
export { runStoreContract, type StoreContractOptions } from './store-contract.js';
