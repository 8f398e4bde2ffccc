// The factors of a schema-2 record, each field bounded to what the service writes.
import { ALGORITHM_RULE, isAlgorithm } from '../algorithm.js';
import { isDigits, MAX_DIGITS, MIN_DIGITS } from '../internal/parameters.js';
import { isFactorId, isLabel, LABEL_RULE } from './label.js';
import { bad, isObject, safeInteger, time } from './record-fields.js';
import { MAX_DRIFT_STEPS, MAX_FACTORS, parameters, sealed, type StoredFactor } from './record.js';

function storedFactor(value: unknown, field: string): StoredFactor {
  if (!isObject(value)) bad(field, 'an object', value);
  const { id, label, type, algorithm, digits } = value;
  if (!isFactorId(id)) bad(`${field}.id`, 'a factor id (f_ and 10 characters a–z, 2–7)', id);
  if (!isLabel(label)) bad(`${field}.label`, LABEL_RULE, label);
  if (!isAlgorithm(algorithm)) bad(`${field}.algorithm`, ALGORITHM_RULE, algorithm);
  if (!isDigits(digits)) bad(`${field}.digits`, `an integer ${MIN_DIGITS}–${MAX_DIGITS}`, digits);
  const base = {
    id,
    label,
    secret: sealed(value.secret, `${field}.secret`),
    algorithm,
    digits,
    createdAt: time(value.createdAt, `${field}.createdAt`),
    lastUsedAt: value.lastUsedAt === null || value.lastUsedAt === undefined ? null : time(value.lastUsedAt, `${field}.lastUsedAt`),
  };
  if (type === 'hotp') return { ...base, type, counter: safeInteger(value.counter, `${field}.counter`, 0) };
  if (type !== 'totp') bad(`${field}.type`, "'totp' or 'hotp'", type);
  const { period } = parameters(value, field);
  return {
    ...base,
    type,
    period,
    lastStep: safeInteger(value.lastStep, `${field}.lastStep`, -1),
    driftSteps: safeInteger(value.driftSteps, `${field}.driftSteps`, -MAX_DRIFT_STEPS, MAX_DRIFT_STEPS),
  };
}

/** The `factors` array: at most MAX_FACTORS, ids distinct. @internal */
export function factorList(value: unknown): StoredFactor[] {
  if (!Array.isArray(value) || value.length > MAX_FACTORS) bad('factors', `an array of at most ${MAX_FACTORS} factors`, value);
  const factors = value.map((entry, i) => storedFactor(entry, `factors.${i}`));
  factors.forEach((factor, i) => {
    if (factors.findIndex((other) => other.id === factor.id) !== i) bad(`factors.${i}.id`, 'unique among the factors', factor.id);
  });
  return factors;
}
