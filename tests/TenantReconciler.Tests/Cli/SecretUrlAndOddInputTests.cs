namespace TenantReconciler.Tests.Cli;

/// <summary>
/// Issue 15, items 10 and 13: no secret leaves in a URL (one function, <see cref="SafeUrl"/>, for every URL printed,
/// logged or served), and odd input is exit 1 with a sentence, never an internal error (exit 70).
/// </summary>
public sealed class SecretUrlAndOddInputTests
{
    private const string Sas = "sv=2024-11-04&ss=b&srt=o&sp=rwl&se=2030-01-01T00:00:00Z&sig=SECRETSIGNATURE%3D";

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/c/b?" + Sas, "https://acct.blob.core.windows.net/c/b?sv=REDACTED&ss=REDACTED&srt=REDACTED&sp=REDACTED&se=REDACTED&sig=REDACTED")]
    [InlineData("https://user:p4ss@acct.blob.core.windows.net/c/b", "https://acct.blob.core.windows.net/c/b")]
    [InlineData("https://hooks.example/x?token=abc&channel=ops#frag", "https://hooks.example/x?token=REDACTED&channel=ops")]
    [InlineData("https://management.azure.com/x?api-version=2017-06-01&$skipToken=abc", "https://management.azure.com/x?api-version=2017-06-01&$skipToken=abc")]
    [InlineData("not a url ?key=v", "not a url ?key=REDACTED")]
    [InlineData("http://u@h/p?client_secret=1&Api-Key=2", "http://h/p?client_secret=REDACTED&Api-Key=REDACTED")]
    public void Redact_UrlsWithSecrets_OnlyTheSecretsAreGone(string url, string expected) => Assert.Equal(expected, SafeUrl.Redact(url));

    [Fact]
    public async Task Apply_ALockUrlThatIsRefusedCarriesASas_TheSasIsNotEchoed()
    {
        // Arrange: on 9aa6160 the refusal quoted the URL whole, signature included.
        using var temp = new TempDirectory();

        // Act
        var apply = await CliRunner.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--lock", "http://acct.blob.core.windows.net/c/b?" + Sas);

        // Assert
        Assert.Equal(1, apply.ExitCode);
        Assert.DoesNotContain("SECRETSIGNATURE", apply.Stdout + apply.Stderr, StringComparison.Ordinal);
        Assert.Contains("sig=REDACTED", apply.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_ALockUrlWithUserInfo_Exit1WithASentenceAndTheSecretNotPrinted()
    {
        // Arrange: on 9aa6160 this was an internal error (a FormatException), and the user-info was printed.
        using var temp = new TempDirectory();
        var state = temp.CopyOfExampleState("state.json");

        // Act
        var apply = await CliRunner.RunAsync(
            "apply", "-f", RepoFiles.Path("tenants.yaml"), "--emulator", state, "--auto-approve", "--journal", temp.File("journal.jsonl"),
            "--lock", "https://user:p4ss@127.0.0.1:1/devstoreaccount1/c/b", "--lock-wait", "0");

        // Assert
        Assert.True(apply.ExitCode == 1, apply.ToString());
        Assert.Contains("must have no user-info, query (SAS) or fragment", apply.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("p4ss", apply.Stdout + apply.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", apply.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_TheLockStorageCannotBeReached_Exit1WithASentenceAndNoWrite()
    {
        // Arrange: on 9aa6160 the storage client's AggregateException reached the command boundary (exit 70).
        using var temp = new TempDirectory();
        var state = temp.CopyOfExampleState("state.json");
        var before = File.ReadAllText(state);
        const string offline = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + Leasing.AzuriteFixture.DevelopmentAccountKey + ";BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";

        // Act
        var apply = await CliRunner.RunAsync(
            "apply", "-f", RepoFiles.Path("tenants.yaml"), "--emulator", state, "--auto-approve", "--journal", temp.File("journal.jsonl"),
            "--lock-connection-string", offline, "--lock-wait", "0");

        // Assert
        Assert.True(apply.ExitCode == 1, apply.ToString());
        Assert.Contains("cannot take the lock http://127.0.0.1:1/devstoreaccount1/tenant-reconciler/leader.lock: Connection refused", apply.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Leasing.AzuriteFixture.DevelopmentAccountKey, apply.Stdout + apply.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(state));
    }

    [Fact]
    public void Describe_ALeaseUrlWithUserInfo_NeitherPrintedNorKeptInTheLeaseAddress()
    {
        // Arrange: on 9aa6160 the user-info was printed, logged on every retry and served on /status.
        var url = new Uri("https://user:p4ss@acct.blob.core.windows.net/tenant-reconciler/leader.lock");
        var lease = new LeaseArguments(url, null, "c", "b", TimeSpan.FromSeconds(30));

        // Act
        var described = lease.Describe();
        var kept = BlobLeaseLock.Create(new Uri("https://acct.blob.core.windows.net/tenant-reconciler/leader.lock?sv=1&sig=x"), new Azure.Identity.DefaultAzureCredential()).BlobUri;

        // Assert
        Assert.Equal("https://acct.blob.core.windows.net/tenant-reconciler/leader.lock", described);
        Assert.Equal("https://acct.blob.core.windows.net/tenant-reconciler/leader.lock", kept.ToString());
    }

    [Fact]
    public async Task ImportOutput_AnEmptyFileName_Exit1WithASentence()
    {
        // Arrange: on 9aa6160 'import -o ""' was an internal error (exit 70).
        using var temp = new TempDirectory();
        var state = temp.CopyOfExampleState("state.json");

        // Act
        var import = await CliRunner.RunAsync(
            "import", "--subscription", "6513270e-269e-4d37-b2a7-4de452e6b438", "--resource-group", "azurestack", "--registration", "azurestack-8f3e1b2c",
            "--emulator", state, "-o", string.Empty);

        // Assert
        Assert.True(import.ExitCode == 1, import.ToString());
        Assert.Contains("--output needs a value, not an empty one.", import.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ListenAddress_AnIpv4MappedIpv6Address_TheIpv4AddressItStandsFor()
    {
        // Arrange: on 9aa6160 '--listen [::ffff:127.0.0.1]:8080' failed to bind (EINVAL) and exited 70.

        // Act
        var parsed = ListenAddress.TryParse("[::ffff:127.0.0.1]:8080", out var address, out var error);

        // Assert
        Assert.True(parsed, error);
        Assert.Equal("127.0.0.1:8080", address!.ToString());
        Assert.True(address.IsLoopback);
    }

    [Fact]
    public async Task Watch_ListenOnAnAddressThatIsNotThisHosts_Exit1WithASentence()
    {
        // Arrange: 192.0.2.1 (TEST-NET-1) is nobody's address here: the bind fails with EADDRNOTAVAIL.
        using var temp = new TempDirectory();
        var state = temp.CopyOfExampleState("state.json");

        // Act
        var watch = await CliRunner.RunAsync("watch", "-f", RepoFiles.Path("tenants.yaml"), "--emulator", state, "--mode", "observe", "--listen", "192.0.2.1:0")
            .WaitAsync(TimeSpan.FromMinutes(2));

        // Assert
        Assert.True(watch.ExitCode == 1, watch.ToString());
        Assert.Contains("cannot listen on 192.0.2.1:0", watch.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", watch.Stderr, StringComparison.Ordinal);
    }
}
