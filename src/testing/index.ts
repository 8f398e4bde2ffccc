// Entry `@inworkjobs/two-factor/testing`: helpers for users' own tests (no test framework imported: the contract suite takes the runner's describe/it/expect).
export { ManualClock } from './clock.js';
export { codeAt } from './code-at.js';
export { FAST_BACKUP_CODE_COST } from './backup-code-cost.js';
export { runStoreContract, type StoreContractOptions, type ContractTestApi, type ContractMatchers } from './store-contract.js';
export { RFC4226_VECTORS, RFC6238_VECTORS, type HotpVector, type TotpVector } from './vectors.js';
