/**
 * Evaluators of the two sides of the raw zone's partitioning (pure): where Firehose writes a record
 * that arrives at time T (its `!{timestamp:...}` prefix expressions), and which partition values
 * Athena's projection computes for T (the table's `projection.*` settings and location template).
 * The tests use them to prove that both sides agree.
 */

/** Formats `date` with a Java DateTimeFormatter pattern made of yyyy, MM, dd, HH, mm, ss and literals, in UTC. */
export function formatJavaPattern(pattern: string, date: Date): string {
  const fields: Record<string, string> = {
    yyyy: String(date.getUTCFullYear()).padStart(4, "0"),
    MM: String(date.getUTCMonth() + 1).padStart(2, "0"),
    dd: String(date.getUTCDate()).padStart(2, "0"),
    HH: String(date.getUTCHours()).padStart(2, "0"),
    mm: String(date.getUTCMinutes()).padStart(2, "0"),
    ss: String(date.getUTCSeconds()).padStart(2, "0"),
  };
  return pattern.replace(/yyyy|MM|dd|HH|mm|ss|[A-Za-z]/g, (token) => {
    const value = fields[token];
    if (value === undefined)
      throw new Error(`formatJavaPattern: pattern letter "${token}" in "${pattern}" is not supported.`);
    return value;
  });
}

/**
 * The key prefix Firehose writes for a record arriving at `arrival`, in time zone UTC: each
 * `!{timestamp:<pattern>}` is replaced by the formatted arrival time. Other `!{...}` namespaces
 * (`firehose:random-string`, `partitionKeyFromQuery`) are not evaluated and throw.
 */
export function evaluateFirehosePrefix(prefix: string, arrival: Date, timeZone: string): string {
  if (timeZone !== "UTC") throw new Error(`evaluateFirehosePrefix: only UTC is modelled, got ${timeZone}.`);
  return prefix.replace(/!\{([^}]*)\}/g, (_m, expr: string) => {
    const match = /^timestamp:(.+)$/.exec(expr);
    if (!match)
      throw new Error(`evaluateFirehosePrefix: expression !{${expr}} is not a timestamp expression.`);
    return formatJavaPattern(match[1], arrival);
  });
}

/**
 * Partition values Athena's projection computes for instant `t`, from the table's parameters:
 * `date` keys format `t` with `projection.<key>.format` (in UTC), `integer` keys use the hour of `t`
 * (the only integer key this lake projects) zero-padded to `projection.<key>.digits`.
 */
export function projectedPartitionValues(
  keys: readonly string[],
  parameters: Record<string, string>,
  t: Date,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of keys) {
    const type = parameters[`projection.${key}.type`];
    if (type === "date") {
      values[key] = formatJavaPattern(parameters[`projection.${key}.format`], t);
    } else if (type === "integer") {
      const [min, max] = parameters[`projection.${key}.range`].split(",").map(Number);
      const hour = t.getUTCHours();
      if (hour < min || hour > max)
        throw new Error(`projectedPartitionValues: ${key}=${hour} is outside ${min}..${max}.`);
      values[key] = String(hour).padStart(Number(parameters[`projection.${key}.digits`] ?? "1"), "0");
    } else {
      throw new Error(`projectedPartitionValues: projection type ${String(type)} of ${key} is not modelled.`);
    }
  }
  return values;
}

/** Fills a `storage.location.template` (`${key}` placeholders) with partition values. */
export function fillLocationTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{([^}]+)\}/g, (_m, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`fillLocationTemplate: no value for \${${key}}.`);
    return value;
  });
}
