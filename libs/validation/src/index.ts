export { planApply, type ApplyPlan, type CreateFacts } from './apply-plan';
export { PROVIDERS } from './cell-rules';
export { describeErrors, type FieldError } from './field-error';
export { isExplicitZero, parseIntOrPercent, validateIntOrPercent, type IntOrPercent } from './int-or-percent';
export { LIMITS } from './limits';
export { isDnsLabel, validateLabels, validateName } from './names';
export { encodedSize, validateSize } from './resource-size';
export { validateResource } from './validate-resource';
export { validateUpdate } from './validate-update';
