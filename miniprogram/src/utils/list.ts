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
