import type { Check } from './check.js';
import { entityVerification, unverifiedSession } from './entity-verification.js';
import { argumentSchema } from './argument-schema.js';
import { entityProvenance } from './entity-provenance.js';
import { entityMismatch } from './entity-mismatch.js';
import { loopDetection } from './loop.js';
import { modelCallBudget, toolCallBudget } from './budget.js';
import { budgetAlert } from './budget-alert.js';
import { truncatedModelCall, truncatedToolCall } from './truncation.js';
import { untrustedOutput } from './untrusted-output.js';
import { promptInjection } from './prompt-injection.js';
import { contextDrift } from './context-drift.js';
import { pendingDefinitionCall, toolDefinitionDrift } from './tool-definition-drift.js';
import { modelTextEntities } from './model-text-entities.js';
import { hiddenIds } from './hidden-ids.js';
import { definitionInjection } from './definition-injection.js';
import { toolLimit } from './tool-limit.js';

/** Every built-in check, in the order their flags are listed. */
export const BUILT_IN_CHECKS: readonly Check[] = [
  entityVerification,
  unverifiedSession,
  toolLimit,
  toolDefinitionDrift,
  definitionInjection,
  pendingDefinitionCall,
  argumentSchema,
  truncatedModelCall,
  truncatedToolCall,
  entityProvenance,
  hiddenIds,
  entityMismatch,
  modelTextEntities,
  untrustedOutput,
  promptInjection,
  contextDrift,
  loopDetection,
  modelCallBudget,
  budgetAlert,
  toolCallBudget,
];

export type { Check, CheckContext } from './check.js';
export { defineCheck, flag } from './check.js';
