using System.Text.Json.Nodes;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// <c>show PLANFILE</c>: a saved plan as plan rendered it, with no request and no credential (show takes no connection
/// option at all); a file that is not a saved plan is exit 1 and a sentence; whatever the file says is printed sanitised.
/// </summary>
public sealed class ShowTests
{
    private static string Tenants => RepoFiles.Path("tenants.yaml");

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("markdown")]
    public async Task Show_SavedPlan_PrintsWhatPlanPrintedWithoutARequest(string format)
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var planFile = bed.Temp.File("plan.json");
        var plan = await bed.RunAsync("plan", "-f", Tenants, "-o", format, "--out", planFile);
        var requests = bed.Emulator.Requests.Count;

        // Act
        var show = await CliRunner.RunAsync("show", planFile, "-o", format);

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Equal(plan.Stdout, show.Stdout);
        Assert.Equal(requests, bed.Emulator.Requests.Count);
    }

    [Fact]
    public async Task Show_SavedPlanJson_IsTheFileItself()
    {
        // Arrange: one contract: the file, plan -o json and show -o json are the same document.
        await using var bed = await CliTestBed.StartAsync();
        var planFile = bed.Temp.File("plan.json");
        var plan = await bed.RunAsync("plan", "-f", Tenants, "-o", "json", "--out", planFile);

        // Act
        var show = await CliRunner.RunAsync("show", planFile, "-o", "json");

        // Assert
        Assert.True(plan.ExitCode == 0 && show.ExitCode == 0, plan.ToString() + show);
        Assert.Equal(File.ReadAllText(planFile), show.Stdout);
        Assert.Equal(File.ReadAllText(planFile), plan.Stdout);
    }

    [Fact]
    public async Task PlanJson_WithoutOut_IsTheSavedPlanWithoutItsIdAndTime()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var planFile = bed.Temp.File("plan.json");
        var saved = await bed.RunAsync("plan", "-f", Tenants, "--out", planFile);

        // Act
        var json = await bed.RunAsync("plan", "-f", Tenants, "-o", "json");

        // Assert: the same properties in the same order, the same values but planId and createdAt (null here).
        Assert.True(saved.ExitCode == 0 && json.ExitCode == 0, saved.ToString() + json);
        var file = JsonNode.Parse(File.ReadAllText(planFile))!.AsObject();
        var stdout = JsonNode.Parse(json.Stdout)!.AsObject();
        Assert.Null(stdout["planId"]);
        Assert.Null(stdout["createdAt"]);
        Assert.NotNull(file["planId"]);
        file["planId"] = null;
        file["createdAt"] = null;
        Assert.Equal(file.ToJsonString(), stdout.ToJsonString());
    }

    [Fact]
    public async Task Show_GuardTripped_WarnsOnStderrAsPlanDid()
    {
        // Arrange: six removals, over the default threshold of 5.
        await using var bed = await CliTestBed.StartAsync(FaultToleranceTests.WithUnlisted(6));
        var yaml = bed.Temp.Write("tenants.yaml", FaultToleranceTests.Yaml(1));
        var planFile = bed.Temp.File("plan.json");
        var plan = await bed.RunAsync("plan", "-f", yaml, "-o", "markdown", "--out", planFile);

        // Act
        var show = await CliRunner.RunAsync("show", planFile, "-o", "markdown");

        // Assert
        Assert.True(plan.ExitCode == 0 && show.ExitCode == 0, plan.ToString() + show);
        Assert.Equal(plan.Stdout, show.Stdout);
        Assert.Contains("removal-threshold", show.Stdout, StringComparison.Ordinal);
        var warning = Assert.Single(plan.Stderr.Split('\n'), l => l.StartsWith("Warning: apply will refuse this plan: ", StringComparison.Ordinal));
        Assert.Contains(warning, show.Stderr.Split('\n'));
    }

    [Theory]
    [InlineData("not json", "not a readable plan file")]
    [InlineData("[]", "unsupported plan format version ''")]
    [InlineData("{\"formatVersion\":\"1.0\"}", "unsupported plan format version '1.0'")]
    [InlineData("{\"formatVersion\":\"2.0\"}", "not a readable plan file")]
    [InlineData("{\"formatVersion\":\"2.0\",\"planId\":null}", "not a saved plan: it has no planId")]
    [InlineData("{\"formatVersion\":\"\\u001b[31m\"}", "unsupported plan format version '\\u001B[31m'")]
    public async Task Show_NotASavedPlan_ExitsOneWithOneSentence(string content, string expected)
    {
        // Arrange
        using var temp = new TempDirectory();
        var file = temp.Write("plan.json", content);

        // Act
        var show = await CliRunner.RunAsync("show", file);

        // Assert
        AssertOneSentence(show, expected);
    }

    [Fact]
    public async Task Show_MissingFileOrADirectory_ExitsOneWithOneSentence()
    {
        // Arrange
        using var temp = new TempDirectory();

        // Act
        var missing = await CliRunner.RunAsync("show", temp.File("nothing.json"));
        var directory = await CliRunner.RunAsync("show", temp.Path);

        // Assert
        AssertOneSentence(missing, "not a readable plan file");
        AssertOneSentence(directory, "not a readable plan file");
    }

    [Fact]
    public async Task Show_HostileFile_NameAndLabelAndGuardPrintedSanitised()
    {
        // Arrange: a saved plan whose label, guard message and tool version carry escape sequences and a bidi override.
        const string hostile = "x\u001b]0;pwned\u0007\u202e\r\nPlan: 0 to add";
        await using var bed = await CliTestBed.StartAsync(FaultToleranceTests.WithUnlisted(6));
        var yaml = bed.Temp.Write("tenants.yaml", FaultToleranceTests.Yaml(1));
        var planFile = bed.Temp.File("plan.json");
        var plan = await bed.RunAsync("plan", "-f", yaml, "--out", planFile);
        SavedPlanTamperingTests.Edit(planFile, p =>
        {
            p["toolVersion"] = hostile;
            p["guards"]![0]!["message"] = hostile;
            p["registrations"]![0]!["changes"]![0]!["label"] = hostile;
        });

        // Act
        var results = new List<CliResult>();
        foreach (var format in new[] { "text", "markdown", "json" })
        {
            results.Add(await CliRunner.RunAsync("show", planFile, "-o", format));
        }

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.All(results, r =>
        {
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.DoesNotContain(r.Stdout + r.Stderr, c => (char.IsControl(c) && c != '\n') || c == '\u202e');
        });
    }

    [Fact]
    public async Task Show_InvalidRegistrationName_ExitsOneNamingIt()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var planFile = bed.Temp.File("plan.json");
        var plan = await bed.RunAsync("plan", "-f", Tenants, "--out", planFile);
        SavedPlanTamperingTests.Edit(planFile, p => p["registrations"]![0]!["name"] = "../../evil\u001b");

        // Act
        var show = await CliRunner.RunAsync("show", planFile);

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        AssertOneSentence(show, "not a usable plan file: the registration name '../../evil\\u001B' is not a valid ARM name.");
    }

    private static void AssertOneSentence(CliResult result, string expected)
    {
        Assert.True(result.ExitCode == ExitCodes.Error, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain(line, c => char.IsControl(c));
    }
}
