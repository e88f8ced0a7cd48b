import NextAuth from "next-auth";

import { authOptions } from "@/server/auth";

export const dynamic = "force-dynamic";

async function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  const params = await context.params;
  // next-auth 4 reads the catch-all from `context.params` synchronously.
  return NextAuth(authOptions())(request, { params });
}

export { handler as GET, handler as POST };
