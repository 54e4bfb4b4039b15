using Azure.ResourceManager;

namespace TenantReconciler;

/// <summary>The Azure clouds in which Azure Stack registrations exist.</summary>
public enum AzureCloud
{
    AzureCloud,
    AzureUSGovernment,
    AzureChinaCloud,
}

public static class AzureCloudExtensions
{
    public static ArmEnvironment ToArmEnvironment(this AzureCloud cloud) => cloud switch
    {
        AzureCloud.AzureCloud => ArmEnvironment.AzurePublicCloud,
        AzureCloud.AzureUSGovernment => ArmEnvironment.AzureGovernment,
        AzureCloud.AzureChinaCloud => ArmEnvironment.AzureChina,
        _ => throw new ArgumentOutOfRangeException(nameof(cloud), cloud, null),
    };

    /// <summary>
    /// The Microsoft Entra authority that issues the cloud's tokens (the values of Azure.Identity's
    /// <c>AzureAuthorityHosts</c>): a credential for one cloud never asks another cloud's authority.
    /// </summary>
    public static Uri AuthorityHost(this AzureCloud cloud) => cloud switch
    {
        AzureCloud.AzureCloud => new Uri("https://login.microsoftonline.com/"),
        AzureCloud.AzureUSGovernment => new Uri("https://login.microsoftonline.us/"),
        AzureCloud.AzureChinaCloud => new Uri("https://login.chinacloudapi.cn/"),
        _ => throw new ArgumentOutOfRangeException(nameof(cloud), cloud, null),
    };
}

/// <summary>The ARM api-versions of <c>Microsoft.AzureStack/registrations/customerSubscriptions</c> that we speak.</summary>
public static class ApiVersions
{
    public const string V2017_06_01 = "2017-06-01";
    public const string V2022_06_01 = "2022-06-01";
    public const string Default = V2017_06_01;

    public static IReadOnlyList<string> Supported { get; } = [V2017_06_01, V2022_06_01];
}
