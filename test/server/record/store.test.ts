import { describe, expect, it } from 'vitest';
import { runStoreContract } from '../../../src/testing/index.js';
import { MemoryStore } from '../../../src/server/index.js';

runStoreContract('MemoryStore', () => new MemoryStore(), { describe, it, expect });
