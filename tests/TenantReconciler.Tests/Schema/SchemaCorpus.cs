namespace TenantReconciler.Tests.Schema;

/// <summary>A file of the corpus: what the loader says (null: valid, else the first diagnostic code).</summary>
public sealed record CorpusFile(string Name, string Yaml, string? LoaderCode)
{
    public bool Valid => LoaderCode is null;

    public override string ToString() => Name;
}

/// <summary>
/// A file on which the schema and the loader disagree on purpose: the loader checks more than a JSON Schema can, or
/// the YAML 1.2 typing that editors use reads a scalar differently from the loader, which reads text.
/// </summary>
public sealed record Disagreement(string Name, string Yaml, SchemaVerdict Schema, string? LoaderCode, string Why)
{
    public override string ToString() => Name;
}

public enum SchemaVerdict
{
    Valid,
    Invalid,

    /// <summary>The YAML has no JSON form (e.g. a duplicate key), so no schema can be applied: editors flag it as a YAML error.</summary>
    NoJsonForm,
}

/// <summary>The corpus: variations of one valid file, each changing one thing.</summary>
internal static class SchemaCorpus
{
    private const string Subscription = "6513270e-269e-4d37-b2a7-4de452e6b438";
    private const string Tenant = "9531985d-5d9d-49f8-9818-e811892f902b";
    private const string Customer = "0fd630f1-f29d-4da9-953f-48f1a09f76b5";
    private const string Zero = "00000000-0000-0000-0000-000000000000";

    public const string Base = $"""
        registrations:
          - name: azurestack-1
            subscriptionId: {Subscription}
            resourceGroup: azurestack
            tenants:
              - tenantId: {Tenant}
                customerSubscriptionId: {Customer}
                name: Contoso

        """;

    private const string SecondTenant = """
              - tenantId: 36f675cc-81e7-4ef5-a8e2-5d940ed90475
                customerSubscriptionId: 0cb1e29c-658c-4a14-95e6-0af593bd04cf

        """;

    private const string Stamp = """
            stamp:
              adminEndpoint: https://adminmanagement.east.contoso.com
              providerSubscriptionId: 8158498d-27b1-4ccf-9aa1-de0f925731e6

        """;

    private const string SecondRegistration = """
          - name: azurestack-2
            subscriptionId: d23f0824-128b-4f33-8c5c-7fd0a6a3a450
            resourceGroup: azurestack
            tenants: []

        """;

    public static IEnumerable<CorpusFile> Agreements() =>
    [
        // Valid.
        Ok("minimal", Base),
        Ok("every top-level key", $"cloud: AzureCloud\napiVersion: \"2017-06-01\"\nsuspend: false\nprotect:\n  - {Tenant}\n" + Base),
        Ok("cloud in any case", "cloud: azureusgovernment\n" + Base),
        Ok("cloud AzureChinaCloud", "cloud: AzureChinaCloud\n" + Base),
        Ok("apiVersion unquoted", "apiVersion: 2022-06-01\n" + Base),
        Ok("suspend true", "suspend: true\n" + Base),
        Ok("protect empty", "protect: []\n" + Base),
        Ok("protect repeats count once", $"protect: [{Tenant}, {Tenant.ToUpperInvariant()}]\n" + Base),
        Ok("tenants empty", Base[..Base.IndexOf("    tenants:", StringComparison.Ordinal)] + "    tenants: []\n"),
        Ok("two tenants", Base + SecondTenant),
        Ok("two registrations", Base + SecondRegistration),
        Ok("GUIDs upper case", Base.Replace(Tenant, Tenant.ToUpperInvariant(), StringComparison.Ordinal)),
        Ok("GUID in braces, quoted", Base.Replace(Tenant, $"\"{{{Tenant}}}\"", StringComparison.Ordinal)),
        Ok("label absent", Base.Replace("        name: Contoso\n", string.Empty, StringComparison.Ordinal)),
        Ok("label empty", Base.Replace("name: Contoso", "name:", StringComparison.Ordinal)),
        Ok("label a number", Base.Replace("name: Contoso", "name: 42", StringComparison.Ordinal)),
        Ok("label unicode", Base.Replace("name: Contoso", "name: \"Contoso ✓ Łódź\"", StringComparison.Ordinal)),
        Ok("maxRemovals zero", Base.Replace("    tenants:", "    maxRemovals: 0\n    tenants:", StringComparison.Ordinal)),
        Ok("maxRemovals int max", Base.Replace("    tenants:", "    maxRemovals: 2147483647\n    tenants:", StringComparison.Ordinal)),
        Ok("registration name with dots and underscores", Base.Replace("azurestack-1", "Azure_Stack.east-1", StringComparison.Ordinal)),
        Ok("registration name of 128 characters", Base.Replace("azurestack-1", new string('a', 128), StringComparison.Ordinal)),
        Ok("registration name all digits", Base.Replace("azurestack-1", "2024", StringComparison.Ordinal)),
        Ok("resource group with parentheses", Base.Replace("resourceGroup: azurestack", "resourceGroup: (rg)_prod-1.x", StringComparison.Ordinal)),
        Ok("resource group of 90 characters", Base.Replace("resourceGroup: azurestack", "resourceGroup: " + new string('r', 90), StringComparison.Ordinal)),
        Ok("alias of a tenant", Base.Replace("      - tenantId", "      - &contoso\n        tenantId", StringComparison.Ordinal) + SecondRegistration.Replace("tenants: []", "tenants:\n      - *contoso", StringComparison.Ordinal)),
        Ok("merge key with own name winning", Base.Replace("      - tenantId", "      - &base\n        tenantId", StringComparison.Ordinal)
            + $"  - name: azurestack-2\n    subscriptionId: {Subscription}\n    resourceGroup: west\n    tenants:\n      - <<: *base\n        name: Contoso West\n"),

        Ok("stamp", WithStamp(Stamp)),
        Ok("stamp with billedToOperator, a port and a path", WithStamp(Stamp.Replace("contoso.com", "contoso.com:30024/stamps/east", StringComparison.Ordinal) + "      billedToOperator: [2b3697e6-a7a2-4cdd-a3d4-f4ef6505cd4f]\n")),
        Ok("stamp with billedToOperator empty", WithStamp(Stamp + "      billedToOperator: []\n")),
        Ok("stamp endpoint in upper case", WithStamp(Stamp.Replace("https://adminmanagement", "HTTPS://AdminManagement", StringComparison.Ordinal))),

        // Invalid: the document.
        Bad("empty file", "# nothing here\n", DiagnosticCodes.EmptyDocument),
        Bad("null document", "~\n", DiagnosticCodes.EmptyDocument),
        Bad("a list at the top", "- registrations\n", DiagnosticCodes.WrongNodeKind),
        Bad("no registrations", "cloud: AzureCloud\n", DiagnosticCodes.MissingKey),
        Bad("registrations empty", "registrations: []\n", DiagnosticCodes.NoRegistrations),
        Bad("registrations null", "registrations:\n", DiagnosticCodes.EmptyValue),
        Bad("registration a scalar", "registrations:\n  - azurestack-1\n", DiagnosticCodes.WrongNodeKind),

        // Invalid: unknown keys.
        Bad("unknown top-level key", "clouds: AzureCloud\n" + Base, DiagnosticCodes.UnknownKey),
        Bad("unknown registration key", Base.Replace("    tenants:", "    location: east\n    tenants:", StringComparison.Ordinal), DiagnosticCodes.UnknownKey),
        Bad("unknown tenant key", Base.Replace("name: Contoso", "label: Contoso", StringComparison.Ordinal), DiagnosticCodes.UnknownKey),
        Bad("tenant key in the wrong case", Base.Replace("tenantId:", "tenantID:", StringComparison.Ordinal), DiagnosticCodes.UnknownKey),

        // Invalid: missing fields.
        Bad("registration without name", Base.Replace("  - name: azurestack-1\n    subscriptionId", "  - subscriptionId", StringComparison.Ordinal), DiagnosticCodes.MissingKey),
        Bad("registration without subscriptionId", Base.Replace($"    subscriptionId: {Subscription}\n", string.Empty, StringComparison.Ordinal), DiagnosticCodes.MissingKey),
        Bad("registration without resourceGroup", Base.Replace("    resourceGroup: azurestack\n", string.Empty, StringComparison.Ordinal), DiagnosticCodes.MissingKey),
        Bad("registration without tenants", Base[..Base.IndexOf("    tenants:", StringComparison.Ordinal)], DiagnosticCodes.MissingKey),
        Bad("tenant without tenantId", Base.Replace($"      - tenantId: {Tenant}\n        customerSubscriptionId", "      - customerSubscriptionId", StringComparison.Ordinal), DiagnosticCodes.MissingKey),
        Bad("tenant without customerSubscriptionId", Base.Replace($"        customerSubscriptionId: {Customer}\n", string.Empty, StringComparison.Ordinal), DiagnosticCodes.MissingKey),

        // Invalid: wrong types.
        Bad("tenants null", Base[..Base.IndexOf("    tenants:", StringComparison.Ordinal)] + "    tenants:\n", DiagnosticCodes.EmptyValue),
        Bad("tenants a scalar", Base[..Base.IndexOf("    tenants:", StringComparison.Ordinal)] + "    tenants: contoso\n", DiagnosticCodes.WrongNodeKind),
        Bad("tenant a scalar", Base[..Base.IndexOf("      - tenantId", StringComparison.Ordinal)] + "      - contoso\n", DiagnosticCodes.WrongNodeKind),
        Bad("label a mapping", Base.Replace("name: Contoso", "name: { en: Contoso }", StringComparison.Ordinal), DiagnosticCodes.WrongNodeKind),
        Bad("label a list", Base.Replace("name: Contoso", "name: [Contoso]", StringComparison.Ordinal), DiagnosticCodes.WrongNodeKind),
        Bad("protect a scalar", $"protect: {Tenant}\n" + Base, DiagnosticCodes.WrongNodeKind),
        Bad("protect null", "protect:\n" + Base, DiagnosticCodes.EmptyValue),
        Bad("protect item null", "protect: [~]\n" + Base, DiagnosticCodes.WrongNodeKind),
        Bad("suspend quoted", "suspend: \"true\"\n" + Base, DiagnosticCodes.InvalidBoolean),
        Bad("suspend yes", "suspend: yes\n" + Base, DiagnosticCodes.InvalidBoolean),
        Bad("maxRemovals negative", Base.Replace("    tenants:", "    maxRemovals: -1\n    tenants:", StringComparison.Ordinal), DiagnosticCodes.InvalidInteger),
        Bad("maxRemovals quoted", Base.Replace("    tenants:", "    maxRemovals: \"5\"\n    tenants:", StringComparison.Ordinal), DiagnosticCodes.InvalidInteger),
        Bad("maxRemovals past int max", Base.Replace("    tenants:", "    maxRemovals: 2147483648\n    tenants:", StringComparison.Ordinal), DiagnosticCodes.InvalidInteger),
        Bad("maxRemovals a fraction", Base.Replace("    tenants:", "    maxRemovals: 1.5\n    tenants:", StringComparison.Ordinal), DiagnosticCodes.InvalidInteger),
        Bad("maxRemovals null", Base.Replace("    tenants:", "    maxRemovals:\n    tenants:", StringComparison.Ordinal), DiagnosticCodes.EmptyValue),
        Bad("unknown cloud", "cloud: AzureGermanCloud\n" + Base, DiagnosticCodes.UnknownCloud),
        Bad("cloud null", "cloud:\n" + Base, DiagnosticCodes.EmptyValue),
        Bad("unsupported apiVersion", "apiVersion: 2019-01-01\n" + Base, DiagnosticCodes.UnsupportedApiVersion),

        // Invalid: the stamp.
        Bad("stamp a scalar", WithStamp("    stamp: https://adminmanagement.east.contoso.com\n"), DiagnosticCodes.WrongNodeKind),
        Bad("stamp null", WithStamp("    stamp:\n"), DiagnosticCodes.EmptyValue),
        Bad("stamp over http", WithStamp(Stamp.Replace("https:", "http:", StringComparison.Ordinal)), DiagnosticCodes.InvalidStampEndpoint),
        Bad("stamp endpoint with user-info", WithStamp(Stamp.Replace("https://", "https://operator:hunter2@", StringComparison.Ordinal)), DiagnosticCodes.InvalidStampEndpoint),
        Bad("stamp endpoint with a query", WithStamp(Stamp.Replace("contoso.com", "contoso.com/?api-version=1", StringComparison.Ordinal)), DiagnosticCodes.InvalidStampEndpoint),
        Bad("stamp endpoint with a fragment", WithStamp(Stamp.Replace("contoso.com", "contoso.com/#admin", StringComparison.Ordinal)), DiagnosticCodes.InvalidStampEndpoint),
        Bad("stamp endpoint not a URL", WithStamp(Stamp.Replace("https://adminmanagement.east.contoso.com", "adminmanagement.east.contoso.com", StringComparison.Ordinal)), DiagnosticCodes.InvalidStampEndpoint),
        Bad("stamp without providerSubscriptionId", WithStamp(Stamp.Replace("      providerSubscriptionId: 8158498d-27b1-4ccf-9aa1-de0f925731e6\n", string.Empty, StringComparison.Ordinal)), DiagnosticCodes.MissingKey),
        Bad("stamp without adminEndpoint", WithStamp(Stamp.Replace("      adminEndpoint: https://adminmanagement.east.contoso.com\n", string.Empty, StringComparison.Ordinal)), DiagnosticCodes.MissingKey),
        Bad("stamp unknown key", WithStamp(Stamp + "      region: east\n"), DiagnosticCodes.UnknownKey),
        Bad("stamp providerSubscriptionId not a GUID", WithStamp(Stamp.Replace("8158498d-27b1-4ccf-9aa1-de0f925731e6", "default", StringComparison.Ordinal)), DiagnosticCodes.InvalidGuid),
        Bad("billedToOperator item not a GUID", WithStamp(Stamp + "      billedToOperator: [contoso]\n"), DiagnosticCodes.InvalidGuid),
        Bad("billedToOperator a scalar", WithStamp(Stamp + "      billedToOperator: 2b3697e6-a7a2-4cdd-a3d4-f4ef6505cd4f\n"), DiagnosticCodes.WrongNodeKind),

        // Invalid: GUIDs.
        Bad("GUID without hyphens", Base.Replace(Tenant, Tenant.Replace("-", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal), DiagnosticCodes.InvalidGuid),
        Bad("GUID in parentheses", Base.Replace(Tenant, $"\"({Tenant})\"", StringComparison.Ordinal), DiagnosticCodes.InvalidGuid),
        Bad("GUID with a space", Base.Replace(Tenant, $"\" {Tenant}\"", StringComparison.Ordinal), DiagnosticCodes.InvalidGuid),
        Bad("GUID too short", Base.Replace(Customer, Customer[..^1], StringComparison.Ordinal), DiagnosticCodes.InvalidGuid),
        Bad("GUID not hex", Base.Replace(Subscription, "g" + Subscription[1..], StringComparison.Ordinal), DiagnosticCodes.InvalidGuid),
        Bad("GUID in unquoted braces", Base.Replace(Tenant, $"{{{Tenant}}}", StringComparison.Ordinal), DiagnosticCodes.WrongNodeKind),
        Bad("GUID a number", Base.Replace(Customer, "12345", StringComparison.Ordinal), DiagnosticCodes.InvalidGuid),
        Bad("protect item not a GUID", "protect: [contoso]\n" + Base, DiagnosticCodes.InvalidGuid),

        // Invalid: names.
        Bad("registration name starting with '-'", Base.Replace("azurestack-1", "-azurestack", StringComparison.Ordinal), DiagnosticCodes.InvalidRegistrationName),
        Bad("registration name ending with '.'", Base.Replace("azurestack-1", "azurestack.", StringComparison.Ordinal), DiagnosticCodes.InvalidRegistrationName),
        Bad("registration name with '/'", Base.Replace("azurestack-1", "azure/stack", StringComparison.Ordinal), DiagnosticCodes.InvalidRegistrationName),
        Bad("registration name with a Cyrillic look-alike", Base.Replace("azurestack-1", "\u0430zurestack", StringComparison.Ordinal), DiagnosticCodes.InvalidRegistrationName),
        Bad("registration name of 129 characters", Base.Replace("azurestack-1", new string('a', 129), StringComparison.Ordinal), DiagnosticCodes.InvalidRegistrationName),
        Bad("registration name empty", Base.Replace("azurestack-1", "\"\"", StringComparison.Ordinal), DiagnosticCodes.InvalidRegistrationName),
        Bad("registration name null", Base.Replace("name: azurestack-1", "name: ~", StringComparison.Ordinal), DiagnosticCodes.EmptyValue),
        Bad("resource group ending with '.'", Base.Replace("resourceGroup: azurestack", "resourceGroup: azurestack.", StringComparison.Ordinal), DiagnosticCodes.InvalidResourceGroupName),
        Bad("resource group with a space", Base.Replace("resourceGroup: azurestack", "resourceGroup: azure stack", StringComparison.Ordinal), DiagnosticCodes.InvalidResourceGroupName),
        Bad("resource group of 91 characters", Base.Replace("resourceGroup: azurestack", "resourceGroup: " + new string('r', 91), StringComparison.Ordinal), DiagnosticCodes.InvalidResourceGroupName),
    ];

    /// <summary>All-zero GUIDs: refused by the schema, and by the loader once it refuses them too (see the test).</summary>
    public static IEnumerable<CorpusFile> AllZeroGuids() =>
    [
        Bad("all-zero tenantId", Base.Replace(Tenant, Zero, StringComparison.Ordinal), DiagnosticCodes.NilGuid),
        Bad("all-zero customerSubscriptionId in braces", Base.Replace(Customer, $"\"{{{Zero}}}\"", StringComparison.Ordinal), DiagnosticCodes.NilGuid),
        Bad("all-zero subscriptionId", Base.Replace(Subscription, Zero, StringComparison.Ordinal), DiagnosticCodes.NilGuid),
        Bad("all-zero protect item", $"protect: [{Zero}]\n" + Base, DiagnosticCodes.NilGuid),
    ];

    /// <summary>What the loader checks beyond any JSON Schema, and where YAML typing and the loader read a scalar differently.</summary>
    public static IEnumerable<Disagreement> Disagreements() =>
    [
        new("duplicate tenant", Base + SecondTenant.Replace("36f675cc-81e7-4ef5-a8e2-5d940ed90475", Tenant, StringComparison.Ordinal), SchemaVerdict.Valid, DiagnosticCodes.DuplicateTenant,
            "a cross-item check (a tenant maps to one customer subscription per registration); uniqueItems compares whole items, not one field"),
        new("duplicate customer subscription", Base + SecondTenant.Replace("0cb1e29c-658c-4a14-95e6-0af593bd04cf", Customer, StringComparison.Ordinal), SchemaVerdict.Valid, DiagnosticCodes.DuplicateCustomerSubscription,
            "a cross-item check on one field"),
        new("duplicate tenant in another GUID spelling", Base + SecondTenant.Replace("36f675cc-81e7-4ef5-a8e2-5d940ed90475", Tenant.ToUpperInvariant(), StringComparison.Ordinal), SchemaVerdict.Valid, DiagnosticCodes.DuplicateTenant,
            "GUIDs compare as values (case and braces do not matter)"),
        new("duplicate registration", Base + Base["registrations:\n".Length..].Replace("name: azurestack-1", "name: AzureStack-1", StringComparison.Ordinal), SchemaVerdict.Valid, DiagnosticCodes.DuplicateRegistration,
            "a cross-item check on three fields, with names compared case-insensitively"),
        new("billed tenant also mapped", WithStamp(Stamp + $"      billedToOperator: [{Tenant}]\n"), SchemaVerdict.Valid, DiagnosticCodes.BilledTenantIsMapped,
            "a cross-field check: a tenant of billedToOperator against the same registration's tenants"),
        new("one stamp under two registrations", WithStamp(Stamp) + SecondRegistration.Replace("    tenants: []", Stamp + "    tenants: []", StringComparison.Ordinal), SchemaVerdict.Valid, DiagnosticCodes.DuplicateStamp,
            "a cross-item check: a stamp reports its usage to one registration"),
        new("two documents", Base + "---\n" + Base, SchemaVerdict.Valid, DiagnosticCodes.MultipleDocuments,
            "a schema applies to one document; editors validate each document of a stream on its own"),
        new("duplicate key", Base.Replace("name: Contoso", "name: Contoso\n        name: Fabrikam", StringComparison.Ordinal), SchemaVerdict.NoJsonForm, DiagnosticCodes.DuplicateKey,
            "JSON objects have no duplicate keys: the YAML parser (and the editor) refuses the file before any schema"),
        new("suspend in mixed case", "suspend: tRUE\n" + Base, SchemaVerdict.Invalid, null,
            "the loader accepts true and false in any case; YAML 1.2 only types true, True and TRUE as booleans, so an editor sees a string"),
        new("maxRemovals with a plus sign", Base.Replace("    tenants:", "    maxRemovals: +5\n    tenants:", StringComparison.Ordinal), SchemaVerdict.Valid, DiagnosticCodes.InvalidInteger,
            "YAML 1.2 types +5 as the integer 5; the loader wants digits only"),
        new("maxRemovals in hex", Base.Replace("    tenants:", "    maxRemovals: 0x10\n    tenants:", StringComparison.Ordinal), SchemaVerdict.Valid, DiagnosticCodes.InvalidInteger,
            "YAML 1.2 types 0x10 as the integer 16; the loader wants decimal digits"),
        new("maxRemovals as 5.0", Base.Replace("    tenants:", "    maxRemovals: 5.0\n    tenants:", StringComparison.Ordinal), SchemaVerdict.Valid, DiagnosticCodes.InvalidInteger,
            "to a JSON Schema 5.0 is the integer 5; the loader wants a whole number written without a fraction"),
        new("registration name as a YAML float", Base.Replace("azurestack-1", "1.5", StringComparison.Ordinal), SchemaVerdict.Invalid, null,
            "the loader reads the text '1.5', a valid name; an editor sees the number 1.5, and the schema allows only whole numbers (written as digits) for names, to keep the text exact"),
        new("tag !!str on maxRemovals", Base.Replace("    tenants:", "    maxRemovals: !!str 5\n    tenants:", StringComparison.Ordinal), SchemaVerdict.Invalid, null,
            "the loader reads an unquoted 5 whatever its tag; an explicit !!str makes it a string for an editor"),
    ];

    private static string WithStamp(string stamp) => Base.Replace("    tenants:", stamp + "    tenants:", StringComparison.Ordinal);

    private static CorpusFile Ok(string name, string yaml) => new(name, yaml, null);

    private static CorpusFile Bad(string name, string yaml, string code) => new(name, yaml, code);
}
