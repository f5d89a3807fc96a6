import type { Request, Response } from '../../../shared/src/http';

type Routes = (req: Request, res: Response) => Promise<boolean> | boolean;

/** Tries each route set in order; the first that handles the request wins. */
export function chainRoutes(...sets: Routes[]): (req: Request, res: Response) => Promise<boolean> {
  return async (req, res) => {
    for (const routes of sets) if (await routes(req, res)) return true;
    return false;
  };
}

/** The signed acknowledge links first (their token is the credential), then the guarded dashboard. */
export const withAckLinks = (ackLinks: Routes, guarded: Routes) => chainRoutes(ackLinks, guarded);
