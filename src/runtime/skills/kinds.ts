/** Every kind of skill this release can run; GET /skill-types marks the others unavailable. */
import type { SkillKind } from './kind.ts';
import { httpWebhook } from './kinds/http-webhook.ts';
import { takeMessage } from './kinds/take-message.ts';
import { transfer } from './kinds/transfer.ts';

export const SKILL_KINDS: ReadonlyMap<string, SkillKind> = new Map([httpWebhook, transfer, takeMessage].map((kind) => [kind.skillType, kind]));
