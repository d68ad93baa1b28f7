// A CodeStar connection through the codestar plugin's TypeScript SDK.
import * as pulumi from "@pulumi/pulumi";
import * as codestar from "@pulumi-codestar-connections/codestar";

const config = new pulumi.Config();

// Looked up, never managed: `pulumi preview` shows drift; requireStatus gates the deploy.
const connection = new codestar.Connection("connection", {
    connectionArn: config.require("connectionArn"),
    requireStatus: config.requireObject<string[]>("requireStatus"),
});
// The same lookup as a function (nothing stored), by name; and every connection of the region.
const byName = codestar.getConnectionOutput({ connectionName: config.require("connectionName") });
const everything = codestar.getConnectionsOutput({});

export const connectionArn = connection.connectionArn;
export const connectionStatus = connection.connectionStatus;
export const tags = connection.tags;
export const byNameArn = byName.connectionArn;
export const byNameStatus = byName.connectionStatus;
export const names = everything.names;
