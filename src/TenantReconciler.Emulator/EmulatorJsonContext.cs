using System.Text.Json.Serialization;

namespace TenantReconciler.Emulator;

/// <summary>The state file format: camelCase, indented, nulls refused where the model says non-null.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    RespectNullableAnnotations = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(EmulatorState))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext;
