// A CodeStar connection through the codestar plugin's Go SDK.
package main

import (
	"github.com/pulumi-codestar-connections/pulumi-codestar-connections/sdk/go/codestar"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		var statuses []string
		cfg.RequireObject("requireStatus", &statuses)

		// Looked up, never managed: `pulumi preview` shows drift; RequireStatus gates the deploy.
		connection, err := codestar.NewConnection(ctx, "connection", &codestar.ConnectionArgs{
			ConnectionArn: pulumi.String(cfg.Require("connectionArn")),
			RequireStatus: pulumi.ToStringArray(statuses),
		})
		if err != nil {
			return err
		}
		// The same lookup as a function (nothing stored), by name; and every connection of
		// the region.
		byName := codestar.LookupConnectionOutput(ctx, codestar.LookupConnectionOutputArgs{
			ConnectionName: pulumi.String(cfg.Require("connectionName")),
		})
		everything := codestar.GetConnectionsOutput(ctx, codestar.GetConnectionsOutputArgs{})

		ctx.Export("connectionArn", connection.ConnectionArn)
		ctx.Export("connectionStatus", connection.ConnectionStatus)
		ctx.Export("tags", connection.Tags)
		ctx.Export("byNameArn", byName.ConnectionArn())
		ctx.Export("byNameStatus", byName.ConnectionStatus())
		ctx.Export("names", everything.Names())
		return nil
	})
}
