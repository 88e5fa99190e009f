/** Every kind of skill this release can run; GET /skill-types marks the others unavailable. */
import type { SkillKind } from './kind.ts';
import { email } from './kinds/email.ts';
import { geo } from './kinds/geo.ts';
import { httpWebhook } from './kinds/http-webhook.ts';
import { integrationAction } from './kinds/integration-action.ts';
import { integrationBinding } from './kinds/integration-binding.ts';
import { mcp } from './kinds/mcp.ts';
import { takeMessage } from './kinds/take-message.ts';
import { transfer } from './kinds/transfer.ts';

export const SKILL_KINDS: ReadonlyMap<string, SkillKind> = new Map([httpWebhook, transfer, takeMessage, mcp, email, geo, integrationBinding, integrationAction].map((kind) => [kind.skillType, kind]));
