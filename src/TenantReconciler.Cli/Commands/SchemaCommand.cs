using System.CommandLine;
using TenantReconciler.Schema;

namespace TenantReconciler.Cli.Commands;

/// <summary><c>schema</c>: prints the JSON Schema of tenants.yaml on stdout, e.g. <c>tenant-reconciler schema &gt; tenants.schema.json</c>.</summary>
public static class SchemaCommand
{
    public const string Name = "schema";

    public static Command Create(IOContext io)
    {
        ArgumentNullException.ThrowIfNull(io);
        var command = new Command(Name, "Print the JSON Schema (draft 2020-12) of tenants.yaml, for editors and CI. Sends no request.");
        command.SetAction(_ =>
        {
            io.Output.Write(TenantsSchema.Text);
            return ExitCodes.Success;
        });
        return command;
    }
}
