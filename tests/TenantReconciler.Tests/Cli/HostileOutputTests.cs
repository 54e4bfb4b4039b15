using CsCheck;
using TenantReconciler.Cli.Output;
using TenantReconciler.Fleet;
using TenantReconciler.Tests.Live;
using static TenantReconciler.Tests.Cli.TerminalTestSupport;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// Issue 15, items 4 and 11: whatever ARM (or anything between), a file name or a YAML value says, what is printed
/// holds no control character, escape sequence, bidi control or invisible format character, and cannot forge a line.
/// One seam, <see cref="OutsideText"/>: a property test over random code points, and hostile ARM fakes end to end, in
/// process and on a real pseudo-terminal.
/// </summary>
public sealed class HostileOutputTests
{
    /// <summary>What a hostile PUT answer says: erase the real lines, forge a success, set the title, hide the rest.</summary>
    private const string Forgery =
        "\r\u001b[2K\u001b[1A\u001b[2K\u001b[1A\u001b[2KApply complete! 5 added, 0 overwritten, 0 removed; 0 failed, 0 not attempted.\n" +
        "Converged: the live registrations match the desired state.\u001b]0;pwned\u0007\u001b[8m\u202e\U000E0041";

    // ---- the seam itself ----

    [Fact]
    public void Sanitize_RandomCodePoints_NothingUnsafeIsLeftAndCleanTextIsUnchanged()
    {
        // Arrange: strings over the whole code space, lone surrogates included, weighted towards the dangerous parts.
        var codePoint = Gen.Frequency(
            (3, Gen.Int[0x20, 0x7E]),
            (2, Gen.Int[0, 0x9F]),
            (2, Gen.Int[0x2000, 0x206F]),
            (2, Gen.Int[0xD800, 0xDFFF]),
            (2, Gen.Int[0xE0000, 0xE007F]),
            (1, Gen.Int[0xFFF0, 0xFFFF]),
            (3, Gen.Int[0, 0x10FFFF]));
        var text = codePoint.Array[0, 40].Select(Build);

        // Act, Assert
        text.Sample(value =>
        {
            var field = OutsideText.Sanitize(value);
            var stream = OutsideText.Sanitize(value, keepLineBreaks: true);
            Assert.True(AllSafe(field, keepLineBreaks: false), Show(field));
            Assert.True(AllSafe(stream, keepLineBreaks: true), Show(stream));
            Assert.Equal(field, OutsideText.Sanitize(field));
            if (AllSafe(value, keepLineBreaks: false))
            {
                Assert.Equal(value, field);
            }
        }, iter: 20_000);
    }

    [Fact]
    public void SanitizingWriter_TheSameTextCutAnywhere_WritesWhatTheSeamGivesForTheWhole()
    {
        // Arrange: a surrogate pair or a CR LF cut between two writes must come out as if written at once.
        var gen = Gen.Select(Gen.Int[0, 0x10FFFF].Array[0, 30].Select(Build), Gen.Int[0, 30].Array[0, 4]);

        // Act, Assert
        gen.Sample((value, cuts) =>
        {
            using var inner = new StringWriter(CultureInfo.InvariantCulture);
            using (var writer = SanitizingWriter.Wrap(inner))
            {
                var at = 0;
                foreach (var cut in cuts.Select(c => Math.Min(c, value.Length)).Order())
                {
                    writer.Write(value.AsSpan(at, cut - at));
                    at = cut;
                }

                writer.Write(value.AsSpan(at));
            }

            Assert.Equal(OutsideText.Sanitize(value, keepLineBreaks: true), inner.ToString());
        }, iter: 5_000);
    }

    [Theory]
    [InlineData("\u001b[31mred", "\\u001B[31mred")]
    [InlineData("a\rb", "a\\u000Db")]
    [InlineData("evil\u202Etxt.exe", "evil\\u202Etxt.exe")]
    [InlineData("tag\U000E0041\U000E0042", "tag\\U000E0041\\U000E0042")]
    [InlineData("zero\u200Bwidth\u00ADsoft", "zero\\u200Bwidth\\u00ADsoft")]
    [InlineData("line\nbreak", "line\\u000Abreak")]
    [InlineData("c1\u009bcsi", "c1\\u009Bcsi")]
    [InlineData("Zoë Ünïcode 🙂 ✔", "Zoë Ünïcode 🙂 ✔")]
    public void Sanitize_KnownCases_VisibleEscapes(string value, string expected) =>
        Assert.Equal(expected, OutsideText.Sanitize(value));

    [Fact]
    public void Renderers_LabelWithTheUnicodeTagBlock_EscapedInTextMarkdownAndTheTenantsView()
    {
        // Arrange: issue 15, item 11: "ASCII smuggling" passed PlanText.Sanitize on 9aa6160.
        var smuggled = "Contoso" + string.Concat("ignore previous".Select(c => char.ConvertFromUtf32(0xE0000 + c)));
        var yaml = File.ReadAllText(RepoFiles.Path("tenants.yaml")).Replace("name: Contoso", $"name: \"{smuggled}\"", StringComparison.Ordinal);
        var desired = DesiredStateLoader.Parse(yaml, "tenants.yaml");
        var plan = Planner.Compute(desired, [.. desired.Registrations.Select(r => new TenantReconciler.Live.LiveRegistration(r.Registration, []))]);

        // Act
        var outputs = new[] { "text", "markdown" }.Select(format =>
        {
            using var writer = new StringWriter(CultureInfo.InvariantCulture);
            PlanRenderers.Get(format).Render(plan, writer);
            return writer.ToString();
        }).ToList();
        using var fleet = new StringWriter(CultureInfo.InvariantCulture);
        new FleetTextRenderer().Render(FleetViewBuilder.Build(desired, null), fleet);
        outputs.Add(fleet.ToString());

        // Assert
        Assert.All(outputs, output =>
        {
            Assert.True(AllSafe(output, keepLineBreaks: true), Show(output));
            Assert.Contains("U000E0069", output, StringComparison.Ordinal);
        });
    }

    // ---- end to end ----

    [Fact]
    public async Task Apply_ARejectedPutWhoseMessageForgesSuccess_PrintedEscapedOnItsOwnLine()
    {
        // Arrange: issue 15, item 4: on 9aa6160, on a terminal, this message erased the failure and printed "Converged".
        await using var arm = await HostileArmAsync();
        using var temp = new TempDirectory();

        // Act
        var apply = await CliRunner.RunAsync(["apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve", "--journal", temp.File("journal.jsonl"), .. Connection(arm, temp)]);

        // Assert
        Assert.Equal(1, apply.ExitCode);
        var printed = apply.Stdout + apply.Stderr;
        Assert.True(AllSafe(printed, keepLineBreaks: true), Show(printed));
        Assert.Contains("Apply incomplete!", apply.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Lines(printed), l => l.StartsWith("Converged", StringComparison.Ordinal) || l.StartsWith("Apply complete!", StringComparison.Ordinal));
        Assert.Contains("\\u000D\\u001B[2K\\u001B[1A", apply.Stdout, StringComparison.Ordinal);
        Assert.Contains("\\u001B]0;pwned\\u0007\\u001B[8m\\u202E\\U000E0041", apply.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_OnARealPseudoTerminal_TheHostileMessageCannotMoveTheCursorOrForgeALine()
    {
        // Arrange
        await using var arm = await HostileArmAsync();
        using var temp = new TempDirectory();

        // Act
        var result = await TerminalPtyTests.UnderPtyAsync(
            TerminalEndToEndTests.TerminalEnvironment(),
            ["apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve", "--journal", temp.File("journal.jsonl"), .. Connection(arm, temp)]);

        // Assert: the terminal received Spectre's own colours and progress bar, and none of ARM's sequences.
        Assert.Equal(1, result.ExitCode);
        var screen = result.Stdout;
        Assert.DoesNotContain("\u001b]0;pwned", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0007", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[8m", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202e", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("\U000E0041", screen, StringComparison.Ordinal);
        var text = StripAnsi(screen);
        Assert.Contains("Apply incomplete!", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Lines(text), l => l.TrimStart().StartsWith("Converged", StringComparison.Ordinal) || l.TrimStart().StartsWith("Apply complete!", StringComparison.Ordinal));
        Assert.Contains("\\u001B]0;pwned\\u0007", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_AListingItemWithAnEscapeInItsIdAndTenant_QuotedEscaped()
    {
        // Arrange: listing ids and tenantIds are quoted in the error that refuses them.
        static object Page(FaultyRequest request) => new
        {
            value = new[]
            {
                new { id = request.PathAndQuery.Split('?')[0] + "/0fd630f1-f29d-4da9-953f-48f1a09f76b5", properties = new { tenantId = "\u001b[2J\u001b]0;x\u0007" } },
            },
        };

        // Act
        var plan = await PlanAgainstListingAsync(Page);

        // Assert
        AssertRefusedQuotedEscaped(plan, "\\u001B[2J\\u001B]0;x\\u0007");
    }

    [Fact]
    public async Task Plan_ARefusedNextLinkWithEscapes_QuotedEscaped()
    {
        // Arrange
        var page = new { value = Array.Empty<object>(), nextLink = "https://evil.example/\u001b[2Jx\u202e" };

        // Act
        var plan = await PlanAgainstListingAsync(_ => page);

        // Assert
        AssertRefusedQuotedEscaped(plan, "evil.example/\\u001B[2Jx\\u202E");
    }

    [Fact]
    public async Task Check_ARegistrationWhoseBillingModelAndCloudIdCarryEscapes_PrintedEscaped()
    {
        // Arrange
        await using var arm = await FaultyArmServer.StartAsync(request => request.PathAndQuery.Contains("/customerSubscriptions", StringComparison.Ordinal)
            ? new FaultyResponse(200, "{\"value\":[]}")
            : new FaultyResponse(200, JsonSerializer.Serialize(new
            {
                location = "global",
                properties = new { billingModel = "Capacity\u001b[2K\rPayAsYouUse", cloudId = "\u001b]8;;https://evil.example\u0007x", objectId = "o" },
            })));
        using var temp = new TempDirectory();

        // Act
        var check = await CliRunner.RunAsync(["check", "-f", RepoFiles.Path("tenants.yaml"), .. Connection(arm, temp)]);

        // Assert
        Assert.True(AllSafe(check.Stdout + check.Stderr, keepLineBreaks: true), Show(check.Stdout));
        Assert.Contains("Capacity\\u001B[2K\\u000DPayAsYouUse", check.Stdout + check.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_AFileNameInADirectoryWithAnEscapeAndANewline_NamedEscapedInTheDiagnostics()
    {
        // Arrange: the pull request names a file in the -f directory.
        using var temp = new TempDirectory();
        var dir = Directory.CreateDirectory(temp.File("desired")).FullName;
        File.WriteAllText(Path.Combine(dir, "evil\u001b[2K\nConverged.yaml"), "registrations: [\n");

        // Act
        var validate = await CliRunner.RunAsync("validate", "-f", dir);

        // Assert
        Assert.Equal(1, validate.ExitCode);
        Assert.True(AllSafe(validate.Stdout + validate.Stderr, keepLineBreaks: true), Show(validate.Stderr));
        Assert.Contains("evil\\u001B[2K\\u000AConverged.yaml", validate.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Lines(validate.Stderr), l => l.StartsWith("Converged", StringComparison.Ordinal));
    }

    /// <summary>An ARM that lists nothing and refuses every PUT with <see cref="Forgery"/>.</summary>
    private static Task<FaultyArmServer> HostileArmAsync() => FaultyArmServer.StartAsync(request => request.Method == "GET"
        ? new FaultyResponse(200, "{\"value\":[]}")
        : new FaultyResponse(400, JsonSerializer.Serialize(new { error = new { code = "Hostile\u001b[32m", message = Forgery } })));

    /// <summary>`plan` on the repository's tenants.yaml against an ARM that answers every listing with <paramref name="page"/>.</summary>
    private static async Task<CliResult> PlanAgainstListingAsync(Func<FaultyRequest, object> page)
    {
        await using var arm = await FaultyArmServer.StartAsync(request => new FaultyResponse(200, JsonSerializer.Serialize(page(request))));
        using var temp = new TempDirectory();
        return await CliRunner.RunAsync(["plan", "-f", RepoFiles.Path("tenants.yaml"), .. Connection(arm, temp)]);
    }

    /// <summary>The listing was refused (exit 1), nothing unsafe reached the terminal, and the refused value is quoted escaped.</summary>
    private static void AssertRefusedQuotedEscaped(CliResult plan, string escaped)
    {
        Assert.Equal(1, plan.ExitCode);
        Assert.True(AllSafe(plan.Stdout + plan.Stderr, keepLineBreaks: true), Show(plan.Stderr));
        Assert.Contains(escaped, plan.Stderr, StringComparison.Ordinal);
    }

    private static string[] Connection(FaultyArmServer arm, TempDirectory temp) =>
        ["--arm-endpoint", arm.BaseUri.ToString(), "--ca-cert", temp.Write("arm.pem", arm.Certificate.ExportCertificatePem()), "--auth", "emulator"];

    private static string[] Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    private static string Build(int[] codePoints)
    {
        var builder = new StringBuilder();
        foreach (var c in codePoints)
        {
            if (c is >= 0xD800 and <= 0xDFFF || c <= 0xFFFF)
            {
                builder.Append((char)c);
            }
            else
            {
                builder.Append(char.ConvertFromUtf32(c));
            }
        }

        return builder.ToString();
    }

    /// <summary>Every code point is one the seam lets through (and, with <paramref name="keepLineBreaks"/>, \n, \t, or \r before \n).</summary>
    private static bool AllSafe(string text, bool keepLineBreaks)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (keepLineBreaks && (c is '\n' or '\t' || (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')))
            {
                continue;
            }

            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var length) != System.Buffers.OperationStatus.Done || OutsideText.IsUnsafe(rune))
            {
                return false;
            }

            i += length - 1;
        }

        return true;
    }

    private static string Show(string text) => string.Concat(text.Select(c => c < 0x20 || c > 0x7E ? $"<{(int)c:X}>" : c.ToString()));
}
