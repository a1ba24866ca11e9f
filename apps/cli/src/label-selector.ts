import { UsageError } from './cli-error';

// A Kubernetes label key: an optional DNS-subdomain prefix and '/', then a name of up to 63
// characters of [A-Za-z0-9-_.] that starts and ends alphanumeric. Values are names or empty.
const NAME = '[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const KEY = new RegExp(`^(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?/)?${NAME}$`);
const VALUE = new RegExp(`^(?:${NAME})?$`);

/**
 * Parses an equality label selector, `-l team=ml,tier=spot` (`==` works too), into the map
 * ListRequest.labelSelector takes. The API matches equality only, so `!=`, `in (...)` and bare
 * keys are refused with a message saying so rather than silently widened.
 *
 * @throws UsageError naming the offending term.
 */
export function parseLabelSelector(text: string): Record<string, string> {
  const selector: Record<string, string> = {};
  const terms = text.split(',').map((t) => t.trim());
  if (terms.every((t) => t === '')) return selector;
  for (const term of terms) {
    if (term === '') throw new UsageError(`label selector "${text}": empty term`);
    if (term.includes('!=') || /\s(not)?in\s*\(/.test(term) || term.startsWith('!')) {
      throw new UsageError(`label selector "${term}": only key=value terms are supported`);
    }
    const match = /^([^=]+?)\s*==?\s*([^=]*)$/.exec(term);
    if (!match) throw new UsageError(`label selector "${term}": expected key=value`);
    const [, key, value] = match as unknown as [string, string, string];
    if (!KEY.test(key)) throw new UsageError(`label selector "${term}": invalid label key "${key}"`);
    if (!VALUE.test(value)) throw new UsageError(`label selector "${term}": invalid label value "${value}"`);
    if (key in selector && selector[key] !== value) throw new UsageError(`label selector "${text}": "${key}" given twice with different values`);
    selector[key] = value;
  }
  return selector;
}
