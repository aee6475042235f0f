/**
 * One page of a list endpoint, as `/v1/files` and `/v1/batches` answer one (`ListFilesResponse`,
 * `ListBatchesResponse`): `limit` (clamped to the endpoint's range), `after` (the id the
 * previous page ended at), `first_id`, `last_id` and `has_more`.
 */
export interface ListPage<T> {
	readonly object: 'list';
	readonly data: T[];
	readonly first_id: string | null;
	readonly last_id: string | null;
	readonly has_more: boolean;
}

/**
 * The page of `items` (already in the list's order) `search` asks for. An `after` the list does
 * not hold starts from the beginning, as the API does for an id it no longer has.
 */
export function listPage<T extends { readonly id: string }, R>(items: readonly T[], search: URLSearchParams, limits: { readonly fallback: number; readonly max: number }, render: (item: T) => R): ListPage<R> {
	const asked = Number(search.get('limit') ?? limits.fallback);
	const limit = Math.min(limits.max, Math.max(1, Number.isFinite(asked) && asked >= 1 ? Math.floor(asked) : limits.fallback));
	const after = search.get('after');
	const start = after ? items.findIndex(item => item.id === after) + 1 : 0;
	const page = items.slice(start, start + limit);
	return { object: 'list', data: page.map(render), first_id: page[0]?.id ?? null, last_id: page[page.length - 1]?.id ?? null, has_more: start + limit < items.length };
}
