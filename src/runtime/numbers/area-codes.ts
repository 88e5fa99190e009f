/** The area-code directory (db/catalog/area-codes.json): which city and state an area code serves, and the toll-free prefixes. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { packagePath } from '../../package-root.ts';

const catalogSchema = z.object({
  areaCodes: z.array(z.object({ areaCode: z.string().regex(/^\d{3}$/), locality: z.string(), administrativeArea: z.string().length(2) })).min(1),
  tollFreePrefixes: z.array(z.string().regex(/^8\d\d$/)).min(1),
});

export type AreaCode = z.infer<typeof catalogSchema>['areaCodes'][number];

const CATALOG = catalogSchema.parse(JSON.parse(readFileSync(packagePath('db', 'catalog', 'area-codes.json'), 'utf8')));

export const AREA_CODES: readonly AreaCode[] = CATALOG.areaCodes;
export const TOLL_FREE_PREFIXES: readonly string[] = CATALOG.tollFreePrefixes;

const byCode = new Map(AREA_CODES.map((entry) => [entry.areaCode, entry]));

/** The directory entry of a geographic area code, if it is listed. */
export function areaCodeInfo(areaCode: string): AreaCode | undefined {
  return byCode.get(areaCode);
}

export function isTollFreePrefix(areaCode: string): boolean {
  return TOLL_FREE_PREFIXES.includes(areaCode);
}
