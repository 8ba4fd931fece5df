/**
 * Appends a page of rows to a list, leaving out those already in it: a
 * page fetched twice (two taps on 加载更多, or a case whose deadline moved
 * it from one page to the next) must show no row twice, and a list keyed
 * by id must not hold two equal keys (j-component throws, WeChat renders
 * wrongly).
 */
export function appendNew<T extends { id: string }>(list: T[], rows: T[]): T[] {
  const seen = new Set(list.map((r) => r.id));
  return list.concat(rows.filter((r) => !seen.has(r.id)));
}

/**
 * The `setData` changes that set `fields` on the row of `list` (the data
 * key `name`) whose uid is `uid`, wherever that row now is; null when it
 * is gone (removed, or the list emptied since), so that an upload that
 * finishes late changes nothing it no longer belongs to.
 */
export function rowChanges<T extends { uid: string }>(
  list: T[],
  name: string,
  uid: string,
  fields: Partial<T>,
): Record<string, unknown> | null {
  const i = list.findIndex((r) => r.uid === uid);
  if (i < 0) return null;
  const changes: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) changes[`${name}[${i}].${k}`] = v;
  return changes;
}
