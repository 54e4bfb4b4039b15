using CsCheck;

namespace TenantReconciler.Tests.Live;

/// <summary>
/// A listing item's <c>id</c> is read on its raw bytes when it has the usual form (<see cref="ChildIdPrefix"/>) and
/// through <see cref="Azure.Core.ResourceIdentifier"/> otherwise. The fast reading must never accept what the general one
/// refuses, nor read another name: every id, however spelt, gives the same outcome as the general reading alone.
/// </summary>
public sealed class ListingIdReadingTests
{
    private static readonly RegistrationRef Registration = new(Guid.Parse("9c0a5f3e-6d8b-4a1e-8f2c-1b3d5e7f9a0c"), "azurestack", "azurestack-8f3e1b2c");
    private const string Name = "6D2B9E1A-4C3F-4B8E-9A7D-2E5F8C1B3D4A";
    private static readonly Guid TenantId = Guid.Parse("11111111-2222-4333-8444-555555555555");
    private static readonly string Canonical = $"{Registration.Id}/customerSubscriptions/{Name}";

    public static TheoryData<string, string?> Ids => new()
    {
        { Json(Canonical), Name },
        { Json(Canonical.ToUpperInvariant()), Name },
        { Json(Canonical.ToLowerInvariant()), Name.ToLowerInvariant() },
        { Json(Canonical).Replace("/", "\\/", StringComparison.Ordinal), Name },
        { Json(Canonical).Replace("customerSubscriptions", "\\u0063ustomerSubscriptions", StringComparison.Ordinal), Name },
        { Json(Canonical + "/"), Name }, // ResourceIdentifier drops a trailing slash
        { Json(Canonical + "/extra/" + Name), null },
        { Json(Canonical.Replace("azurestack-8f3e1b2c", "azurestack-other", StringComparison.Ordinal)), null },
        { Json(Canonical.Replace("customerSubscriptions", "customerSubscriptionz", StringComparison.Ordinal)), null },
        { Json(Canonical.Replace(Name, "{" + Name + "}", StringComparison.Ordinal)), null },
        { Json(Canonical.Replace(Name, Name.Replace("-", "", StringComparison.Ordinal), StringComparison.Ordinal)), null },
        { Json(Canonical.Replace(Name, Name[..^1] + "G", StringComparison.Ordinal)), null },
        { Json(Canonical.Replace("/subscriptions/", "/subscriptionsé/", StringComparison.Ordinal)), null },
        { "42", null },
        { "null", null },
        { Json(""), null },
    };

    [Theory]
    [MemberData(nameof(Ids))]
    public void ReadListPage_IdSpeltThisWay_ReadsTheNameOrRefusesItAsTheGeneralReadingDoes(string idJson, string? expectedName)
    {
        // Act
        var fast = Outcome(() => ReadOne(idJson));
        var general = Outcome(() => CustomerSubscriptionJson.ReadIdSlowly(Item(idJson), 0, Registration).Name);

        // Assert
        Assert.Equal(general, fast);
        Assert.Equal(expectedName ?? "refused", fast.StartsWith("refused", StringComparison.Ordinal) ? "refused" : fast);
    }

    [Fact]
    public void ReadListPage_RandomSpellingsOfTheId_SameOutcomeAsTheGeneralReading()
    {
        // Each character: kept, case flipped, written as a \u escape, or (rarely) replaced; '/' also as "\/".
        var spellings = Gen.Int[0, 40].Array[Canonical.Length].Select(choices =>
        {
            var json = new StringBuilder("\"");
            for (var i = 0; i < Canonical.Length; i++)
            {
                var c = Canonical[i];
                json.Append(choices[i] switch
                {
                    < 28 => c.ToString(),
                    < 34 => char.IsAsciiLetterUpper(c) ? char.ToLowerInvariant(c).ToString() : char.ToUpperInvariant(c).ToString(),
                    < 37 => $"\\u{(int)c:x4}",
                    < 39 => c == '/' ? "\\/" : c.ToString(),
                    _ => "x",
                });
            }

            return json.Append('"').ToString();
        });

        spellings.Sample(
            idJson => Assert.Equal(
                Outcome(() => CustomerSubscriptionJson.ReadIdSlowly(Item(idJson), 0, Registration).Name),
                Outcome(() => ReadOne(idJson))),
            iter: 5_000);
    }

    [Fact]
    public void ReadListPage_TenantIdInAnotherGuidFormat_IsStillRead()
    {
        // Arrange: the fast GUID reading takes only the hyphenated form; others go through Guid.TryParse, as before.
        var body = Page(Json(Canonical), TenantId.ToString("B"));
        var mappings = new List<LiveMapping>();

        // Act
        CustomerSubscriptionJson.ReadListPage(body, Registration, mappings);

        // Assert
        Assert.Equal(new LiveMapping(Name, Guid.Parse(Name), TenantId), Assert.Single(mappings));
    }

    private static string ReadOne(string idJson)
    {
        var body = Page(idJson, TenantId.ToString("D"));
        var mappings = new List<LiveMapping>();
        CustomerSubscriptionJson.ReadListPage(body, Registration, mappings);
        var mapping = Assert.Single(mappings);
        Assert.Equal(Guid.Parse(mapping.CustomerSubscriptionName), mapping.CustomerSubscriptionId);
        Assert.Equal(TenantId, mapping.TenantId);
        return mapping.CustomerSubscriptionName;
    }

    private static JsonElement Item(string idJson) =>
        JsonDocument.Parse(ItemJson(idJson, TenantId.ToString("D"))).RootElement.Clone();

    private static byte[] Page(string idJson, string tenantId) => Encoding.UTF8.GetBytes("{\"value\":[" + ItemJson(idJson, tenantId) + "]}");

    private static string ItemJson(string idJson, string tenantId) => "{\"id\":" + idJson + ",\"properties\":{\"tenantId\":\"" + tenantId + "\"}}";

    private static string Outcome(Func<string> read)
    {
        try
        {
            return read();
        }
        catch (ArmResponseFormatException e)
        {
            return "refused: " + e.Message;
        }
    }

    private static string Json(string value) =>
        JsonSerializer.Serialize(value, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
