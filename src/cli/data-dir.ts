/** The configuration a command runs with (flags over the environment) and the data directory's org check. */
import { existsSync } from 'node:fs';
import { loadConfig, type Config } from '../config.ts';
import type { Services } from '../services.ts';

export interface LocationFlags {
  dataDir?: string;
  port?: string;
  host?: string;
}

/** The configuration from the environment, with the command's flags taking precedence. */
export function commandConfig(flags: LocationFlags): Config {
  return loadConfig({
    ...process.env,
    ...(flags.dataDir !== undefined && { FLOWYTE_DATA_DIR: flags.dataDir }),
    ...(flags.port !== undefined && { FLOWYTE_PORT: flags.port }),
    ...(flags.host !== undefined && { FLOWYTE_HOST: flags.host }),
  });
}

function noOrganization(dataDir: string): Error {
  return new Error(
    `no organization in the data directory ${dataDir}\n` +
      `  create one there with: flowyte init --data-dir ${dataDir}\n` +
      '  or point --data-dir (or FLOWYTE_DATA_DIR) at the directory that holds yours',
  );
}

/**
 * Open the services of a data directory that already holds an organization, or fail naming the
 * directory. A missing database is detected before anything is opened, so failing creates nothing.
 */
export async function openWithOrganization(config: Config): Promise<Services> {
  if (config.databaseFile !== ':memory:' && !existsSync(config.databaseFile)) throw noOrganization(config.dataDir);
  const { createServices } = await import('../services.ts');
  const services = createServices(config);
  if (!services.credentials.hasOrgs()) {
    services.close();
    throw noOrganization(config.dataDir);
  }
  return services;
}
