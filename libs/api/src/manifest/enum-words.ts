/**
 * The words a person may write for one enum value, and the one we print.
 *
 * Proto enum values carry their enum's name as a prefix (`TIER_ON_DEMAND`) because proto enums
 * share one namespace per package; people should not have to type it. So each value is known by
 * three words: the full proto name (`TIER_ON_DEMAND`), the suffix in PascalCase (`OnDemand`, the
 * one we print, like Kubernetes' `NotReady`) and the suffix in kebab case (`on-demand`).
 */
export interface EnumWords {
  value: number;
  /** `TIER_ON_DEMAND` */
  full: string;
  /** `OnDemand` */
  pascal: string;
  /** `on-demand` */
  kebab: string;
}

/**
 * Computes the words of every value of an enum from its value names.
 *
 * The prefix stripped is the enum name in UPPER_SNAKE (`NodePhase` -> `NODE_PHASE_`) when every
 * value starts with it, else the longest prefix ending in `_` that all values share.
 * Example: `Tier` with `TIER_UNSPECIFIED`, `TIER_ON_DEMAND` -> `Unspecified`/`unspecified`,
 * `OnDemand`/`on-demand`.
 */
export function enumWords(enumName: string | undefined, values: readonly { name: string; number: number }[]): EnumWords[] {
  const prefix = enumPrefix(enumName, values.map((v) => v.name));
  return values.map(({ name, number }) => {
    const parts = name.slice(prefix.length).split('_').filter((p) => p !== '');
    return {
      value: number,
      full: name,
      pascal: parts.map((p) => p.charAt(0).toUpperCase() + p.slice(1).toLowerCase()).join(''),
      kebab: parts.map((p) => p.toLowerCase()).join('-'),
    };
  });
}

/**
 * The PascalCase word of a value of a ts-proto enum object (`Tier`, `NodePhase`), as shown to people:
 * `enumDisplayName(Tier, Tier.TIER_ON_DEMAND)` -> `OnDemand`. Unknown numbers print as the number.
 */
export function enumDisplayName(enumObject: Record<string, string | number>, value: number): string {
  const values = Object.entries(enumObject)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[0] !== 'UNRECOGNIZED')
    .map(([name, number]) => ({ name, number }));
  return enumWords(undefined, values).find((w) => w.value === value)?.pascal ?? String(value);
}

function enumPrefix(enumName: string | undefined, names: readonly string[]): string {
  if (enumName) {
    const fromName = enumName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase() + '_';
    if (names.every((n) => n.startsWith(fromName) && n.length > fromName.length)) return fromName;
  }
  if (names.length < 2) return '';
  let common = names[0]!;
  for (const name of names) {
    while (!name.startsWith(common)) common = common.slice(0, -1);
  }
  const cut = common.lastIndexOf('_');
  const prefix = cut < 0 ? '' : common.slice(0, cut + 1);
  // Never strip a whole value name (`FOO_` of `FOO_`), which would leave an empty word.
  return names.some((n) => n.length <= prefix.length) ? '' : prefix;
}
