// Starts oauth2-mock-server on a free loopback port for one test.
//
// Prints one JSON line with the issuer URL once it listens, then runs until its standard input
// closes, which happens when the test that started it ends.
import { OAuth2Server } from "oauth2-mock-server";

const server = new OAuth2Server();
await server.issuer.keys.generate("RS256");
await server.start(0, "127.0.0.1");
// The default issuer URL names `localhost`; pin the loopback address so no lookup is needed.
server.issuer.url = `http://127.0.0.1:${server.address().port}`;

// Record what the token endpoint was asked, so tests can check grants and parameters.
server.service.on("beforeResponse", (_response, request) => {
  const body = request.body ?? {};
  console.log(JSON.stringify({ event: "token_request", grant_type: body.grant_type, scope: body.scope ?? null, resource: body.resource ?? null, audience: body.audience ?? null }));
});
server.service.on("beforeAuthorizeRedirect", (_redirect, request) => {
  console.log(JSON.stringify({ event: "authorize", query: request.query }));
});

console.log(JSON.stringify({ event: "listening", issuer: server.issuer.url }));

process.stdin.on("end", async () => {
  await server.stop();
  process.exit(0);
});
process.stdin.resume();
