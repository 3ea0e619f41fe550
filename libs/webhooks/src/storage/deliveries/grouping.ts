/** Items by key, in their order. */
export function groupBy<Item>(items: readonly Item[], keyOf: (item: Item) => string): Map<string, Item[]> {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** The item of a group made last (requests of one batch differ by milliseconds). */
export function latestOf<Item extends { now: Date }>(group: readonly Item[]): Item {
  return group.reduce((latest, item) => (item.now > latest.now ? item : latest));
}

/** The rows of `ids` in the order asked (a repeated id repeats its row), null for one not found. */
export function inOrderOf<Row extends { id: string }>(ids: readonly string[], rows: readonly Row[]): Array<Row | null> {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? null);
}
