/** `flowyte init`: create an organization and print its first secret key and session token. */
import { SECRET_KEY_SCOPES } from '../auth/scopes.ts';
import type { Services } from '../services.ts';
import type { Bootstrap } from '../store/credentials.ts';
import { commandConfig } from './data-dir.ts';

/** How a new org's credentials are shown (init prints it on stdout, serve's first start on stderr). */
export function describeBootstrap(created: Bootstrap): string {
  return [
    `Created organization ${created.org.id} (${created.org.name}).`,
    'Secret key (shown once, store it now):',
    `  FLOWYTE_API_KEY=${created.apiKey.secret}`,
    'Dashboard session token:',
    `  ${created.session.token}`,
    '',
  ].join('\n');
}

/** The first org of a fresh data directory, or one more in an existing one. */
export function bootstrapOrg(services: Pick<Services, 'credentials'>, name = 'My organization', email = 'owner@example.com'): Bootstrap {
  return services.credentials.bootstrapOrg(name, email, SECRET_KEY_SCOPES);
}

export async function initCommand(flags: { name: string; email: string; dataDir?: string }): Promise<void> {
  const config = commandConfig(flags);
  const { createServices } = await import('../services.ts');
  const services = createServices(config);
  try {
    process.stdout.write(describeBootstrap(bootstrapOrg(services, flags.name, flags.email)));
    process.stderr.write(`Data directory: ${config.dataDir}\n`);
  } finally {
    services.close();
  }
}
