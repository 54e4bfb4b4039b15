using System.Text.Json;
using System.Text.Json.Serialization;
using TenantReconciler.Planning;

namespace TenantReconciler.Persistence;

/// <summary>
/// The JSON of the files the tool writes and reads back (saved plans, the journal), generated at compile time: no
/// reflection, so the native build reads and writes exactly what the JIT build does. Web defaults (camelCase names,
/// case-insensitive reading), nulls left out, enums as camelCase strings (<c>add</c>, <c>azureCloud</c>).
/// A type added to a saved plan or a journal entry needs nothing here; a new enum type needs its converter below.
/// </summary>
// A null where the model has none, or a missing constructor parameter, is a broken plan file (never a null reference later).
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    WriteIndented = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(CamelCaseEnumConverter<ChangeAction>), typeof(CamelCaseEnumConverter<AzureCloud>), typeof(CamelCaseEnumConverter<Stamps.UsageKind>)])]
[JsonSerializable(typeof(SavedPlan))]
internal sealed partial class SavedPlanJsonContext : JsonSerializerContext;

/// <summary>One journal line per entry: as <see cref="SavedPlanJsonContext"/>, but on one line.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(CamelCaseEnumConverter<ChangeAction>), typeof(CamelCaseEnumConverter<Stamps.UsageKind>)])]
[JsonSerializable(typeof(JournalEntry))]
internal sealed partial class JournalJsonContext : JsonSerializerContext;

/// <summary>An enum as its camelCase name (numbers are still read), without reflection: the AOT-safe generic converter.</summary>
public sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase)
    where TEnum : struct, Enum;
