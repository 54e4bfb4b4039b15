namespace TenantReconciler.Desired;

/// <summary>The stable codes of desired-state diagnostics. Documented in <c>docs/diagnostics.md</c>; never reuse a number.</summary>
public static class DiagnosticCodes
{
    /// <summary>The file does not exist or cannot be read.</summary>
    public const string FileNotFound = "TR1000";

    /// <summary>The text is not well-formed YAML. Reported alone.</summary>
    public const string YamlSyntax = "TR1001";

    /// <summary>The file is empty, holds only comments, or its document is null.</summary>
    public const string EmptyDocument = "TR1002";

    /// <summary>The file holds more than one YAML document.</summary>
    public const string MultipleDocuments = "TR1003";

    /// <summary>A key that is not part of the format at that level.</summary>
    public const string UnknownKey = "TR1004";

    /// <summary>The same key twice in one mapping.</summary>
    public const string DuplicateKey = "TR1005";

    /// <summary>A required key is missing; reported at the mapping that lacks it.</summary>
    public const string MissingKey = "TR1006";

    /// <summary>A node of the wrong kind: e.g. a scalar where a list is expected.</summary>
    public const string WrongNodeKind = "TR1007";

    /// <summary>A key without a value where one is required.</summary>
    public const string EmptyValue = "TR1008";

    /// <summary><c>registrations</c> is an empty list.</summary>
    public const string NoRegistrations = "TR1009";

    /// <summary>A value that must be a GUID is not one.</summary>
    public const string InvalidGuid = "TR1010";

    /// <summary>A registration name that fails the ARM naming rules.</summary>
    public const string InvalidRegistrationName = "TR1011";

    /// <summary>A resource group name that fails the ARM naming rules.</summary>
    public const string InvalidResourceGroupName = "TR1012";

    /// <summary><c>cloud</c> is not a known Azure cloud.</summary>
    public const string UnknownCloud = "TR1013";

    /// <summary><c>apiVersion</c> is not supported.</summary>
    public const string UnsupportedApiVersion = "TR1014";

    /// <summary>A value that must be <c>true</c> or <c>false</c> is not.</summary>
    public const string InvalidBoolean = "TR1015";

    /// <summary>A value that must be a non-negative integer is not.</summary>
    public const string InvalidInteger = "TR1016";

    /// <summary>The same tenant twice in one registration.</summary>
    public const string DuplicateTenant = "TR1017";

    /// <summary>The same customer subscription twice in one registration.</summary>
    public const string DuplicateCustomerSubscription = "TR1018";

    /// <summary>The same registration (subscription, resource group, name) twice.</summary>
    public const string DuplicateRegistration = "TR1019";

    /// <summary>The file is not valid UTF-8.</summary>
    public const string InvalidEncoding = "TR1020";

    /// <summary>The file is larger than <see cref="DesiredStateLoader.MaxFileBytes"/> (64 MiB).</summary>
    public const string FileTooLarge = "TR1021";

    /// <summary>A tenant or subscription GUID is the all-zero GUID.</summary>
    public const string NilGuid = "TR1022";

    /// <summary>Two desired-state files set different <c>cloud</c> values.</summary>
    public const string CloudMismatch = "TR1023";

    /// <summary>Two desired-state files set different <c>apiVersion</c> values.</summary>
    public const string ApiVersionMismatch = "TR1024";

    /// <summary>A desired-state file is a symbolic link that leads outside its folder.</summary>
    public const string FileOutsideFolder = "TR1025";

    /// <summary>A desired-state file is a FIFO, a device or a socket.</summary>
    public const string NotARegularFile = "TR1026";

    /// <summary><c>stamp.adminEndpoint</c> is not an https URL without user-info, query or fragment.</summary>
    public const string InvalidStampEndpoint = "TR1027";

    /// <summary>Two registrations name the same stamp (the same admin endpoint or Default Provider Subscription).</summary>
    public const string DuplicateStamp = "TR1028";

    /// <summary>A tenant of <c>stamp.billedToOperator</c> is also mapped in the same registration's <c>tenants</c>.</summary>
    public const string BilledTenantIsMapped = "TR1029";
}
