namespace TenantReconciler.Tests.Fleet;

/// <summary><c>tenants</c> end to end: the whole CLI in process against the emulator over HTTPS.</summary>
public sealed class TenantsCommandTests
{
    private const string Contoso = "9531985d-5d9d-49f8-9818-e811892f902b";
    private const string Tailspin = "8d116ece-1738-47d9-bd9c-172411e20b8f";
    private const string Unknown = "90c192cf-d3ac-44af-8f21-ddb66cad4a26";

    [Fact]
    public async Task Tenants_WithoutLive_ShowsDesiredAndSendsNoRequest()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act
        var result = await bed.RunAsync("tenants", "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(bed.Emulator.Requests);
        Assert.Contains("5 tenants in 2 registrations: 6 desired mappings (desired state only, no request sent", result.Stdout);
        Assert.Matches($"{Contoso}  Contoso +0fd630f1-f29d-4da9-953f-48f1a09f76b5  0fd630f1-f29d-4da9-953f-48f1a09f76b5\n", result.Stdout);
        Assert.DoesNotContain("✔", result.Stdout);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task Tenants_LiveJson_EveryStatusAndTheLiveOnlyTenantsFlagged()
    {
        // Arrange: page size 2, so that the listing of the first registration takes two pages.
        await using var bed = await CliTestBed.StartAsync(options: new EmulatorOptions { PageSize = 2 });

        // Act
        var result = await bed.RunAsync("tenants", "-f", RepoFiles.Path("tenants.yaml"), "--live", "-o", "json");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.All(bed.Emulator.Requests, r => Assert.Equal("GET", r.Method));
        Assert.Equal(0, bed.Writes);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.True(root.GetProperty("live").GetBoolean());
        var tenants = root.GetProperty("tenants").EnumerateArray().ToDictionary(t => t.GetProperty("tenantId").GetString()!);
        Assert.Equal(7, tenants.Count);
        Assert.Equal(["inPlace", "inPlace"], Statuses(tenants[Contoso]));
        Assert.Equal(["different"], Statuses(tenants[Tailspin]));
        Assert.Equal(["6b4cb242-4a23-4596-a217-beaddbc496cb"], tenants[Tailspin].GetProperty("cells")[0].GetProperty("liveSubscriptionIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["liveNotDesired"], Statuses(tenants[Unknown]));
        Assert.Equal(["desiredNotLive"], Statuses(tenants["36f675cc-81e7-4ef5-a8e2-5d940ed90475"]));
        var flags = root.GetProperty("flags").EnumerateArray().Select(f => (f.GetProperty("kind").GetString(), f.GetProperty("tenantId").GetString())).ToArray();
        Assert.Contains(("liveNotDesired", Unknown), flags);
        Assert.Equal(2, flags.Length);
    }

    [Fact]
    public async Task Tenants_LiveText_ShowsSymbolsAndInformation()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act
        var result = await bed.RunAsync("tenants", "-f", RepoFiles.Path("tenants.yaml"), "--live");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("2 in place, 1 on a different subscription, 3 desired and not live, 2 live and not desired.", result.Stdout);
        Assert.Contains("✔ 0fd630f1-f29d-4da9-953f-48f1a09f76b5", result.Stdout);
        Assert.Contains("~ 92276658-1e27-41c0-8a6a-63ec24ede6a4 (live 6b4cb242-4a23-4596-a217-beaddbc496cb)", result.Stdout);
        Assert.Contains("+ 907a70c3-1012-4037-b64c-e4228c38fb29", result.Stdout);
        Assert.Contains("− ae97ba94-d0ed-482f-8f6d-05584ef8aa38", result.Stdout);
        Assert.Contains($"Tenant {Unknown} is live on azurestack-8f3e1b2c, where it is not desired; no registration desires it.", result.Stdout);
    }

    [Fact]
    public async Task Tenants_LiveLabelsDiffer_FlagsTheTenantInMarkdown()
    {
        // Arrange: Contoso labelled differently on the second stamp.
        await using var bed = await CliTestBed.StartAsync();
        var yaml = File.ReadAllText(RepoFiles.Path("tenants.yaml")).Replace(
            "      - *contoso\n",
            "      - tenantId: 9531985d-5d9d-49f8-9818-e811892f902b\n        customerSubscriptionId: 0fd630f1-f29d-4da9-953f-48f1a09f76b5\n        name: Contoso Ltd\n",
            StringComparison.Ordinal);
        var file = bed.Temp.Write("tenants.yaml", yaml);

        // Act
        var result = await bed.RunAsync("tenants", "-f", file, "--live", "-o", "markdown");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("<!-- tenant-reconciler:tenants -->\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"> - Tenant {Contoso} (`Contoso`) has different labels: “`Contoso`” on `azurestack-8f3e1b2c`, “`Contoso Ltd`” on `azurestack-2d4c6e8a`.", result.Stdout);
    }

    [Fact]
    public async Task Tenants_LiveListingPageFails_ExitsOneWithNoTable()
    {
        // Arrange: page size 1, and every later page is refused.
        await using var bed = await CliTestBed.StartAsync(options: new EmulatorOptions { PageSize = 1, Middleware = [ArmFaults.FailLaterPages] });

        // Act
        var result = await bed.RunAsync("tenants", "-f", RepoFiles.Path("tenants.yaml"), "--live", "-o", "json");

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains("AuthorizationFailed", result.Stderr);
        Assert.Contains("No table is shown", result.Stderr);
    }

    [Fact]
    public async Task Tenants_LiveRegistrationNotFound_ExitsOneWithNoTable()
    {
        // Arrange: the second registration does not exist.
        await using var bed = await CliTestBed.StartWithoutSecondRegistrationAsync();

        // Act
        var result = await bed.RunAsync("tenants", "-f", RepoFiles.Path("tenants.yaml"), "--live");

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains("ResourceNotFound", result.Stderr);
    }

    [Fact]
    public async Task Tenants_InvalidFile_ExitsOneAndSendsNoRequest()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var file = bed.Temp.Write("bad.yaml", "cloud: AzureCloud\nregistrations: 3\n");

        // Act
        var result = await bed.RunAsync("tenants", "-f", file, "--live");

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Empty(bed.Emulator.Requests);
    }

    [Fact]
    public async Task Tenants_LiveOnEmbeddedEmulator_LeavesTheStateFileUnchanged()
    {
        // Arrange
        using var temp = new TempDirectory();
        var state = temp.CopyOfExampleState("state.json");
        var before = File.ReadAllText(state);

        // Act
        var result = await CliRunner.RunAsync("tenants", "-f", RepoFiles.Path("tenants.yaml"), "--live", "--emulator", state);

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("✔ 0fd630f1-f29d-4da9-953f-48f1a09f76b5", result.Stdout);
        Assert.Equal(before, File.ReadAllText(state));
    }

    [Fact]
    public async Task Tenants_LiveDirectoryOfTwoFiles_OneColumnPerRegistrationAcrossFiles()
    {
        // Arrange: the example split into one file per stamp, in one directory.
        await using var bed = await CliTestBed.StartAsync();
        var yaml = File.ReadAllText(RepoFiles.Path("tenants.yaml")).ReplaceLineEndings("\n");
        var second = yaml.IndexOf("  # Contoso also uses", StringComparison.Ordinal);
        var head = yaml[..yaml.IndexOf("registrations:", StringComparison.Ordinal)];
        var directory = Directory.CreateDirectory(Path.Combine(bed.Temp.Path, "desired")).FullName;
        File.WriteAllText(Path.Combine(directory, "a.yaml"), yaml[..second]);
        File.WriteAllText(Path.Combine(directory, "b.yaml"), head + "registrations:\n" + yaml[second..].Replace(
            "      - *contoso\n",
            "      - tenantId: 9531985d-5d9d-49f8-9818-e811892f902b\n        customerSubscriptionId: 0fd630f1-f29d-4da9-953f-48f1a09f76b5\n        name: Contoso\n",
            StringComparison.Ordinal));

        // Act
        var split = await bed.RunAsync("tenants", "-f", directory, "--live", "-o", "json");
        var whole = await bed.RunAsync("tenants", "-f", RepoFiles.Path("tenants.yaml"), "--live", "-o", "json");

        // Assert
        Assert.True(split.ExitCode == 0, split.ToString());
        Assert.Equal(whole.Stdout, split.Stdout);
    }

    [Fact]
    public async Task Tenants_LiveParallelismOne_SameViewAndRequestsAsTheDefault()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync(options: new EmulatorOptions { PageSize = 2 });

        // Act
        var parallel = await bed.RunAsync("tenants", "-f", RepoFiles.Path("tenants.yaml"), "--live");
        var requests = bed.Emulator.Requests.Count;
        var sequential = await bed.RunAsync("tenants", "-f", RepoFiles.Path("tenants.yaml"), "--live", "--parallelism", "1");

        // Assert
        Assert.True(parallel.ExitCode == 0, parallel.ToString());
        Assert.Equal(parallel.Stdout, sequential.Stdout);
        Assert.Equal(requests * 2, bed.Emulator.Requests.Count);
    }

    private static string[] Statuses(JsonElement tenant) =>
        tenant.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("status").GetString() ?? "").ToArray();
}
