using System.Globalization;
using System.Text;
using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>Wording and escaping shared by the renderers.</summary>
internal static class PlanText
{
    public const string NoChanges = "No changes. The live registrations match the desired state.";

    public static string Id(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);

    public static string Id(Guid? id) => id is { } value ? Id(value) : string.Empty;

    public static string BillingNote(Guid tenantId, RegistrationRef registration) =>
        $"usage of tenant {Id(tenantId)} will be billed to the registration subscription {Id(registration.SubscriptionId)}";

    public static string Summary(PlanSummary summary) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{summary.Add} to add, {summary.Overwrite} to overwrite, {summary.Remove} to remove, {summary.Unchanged} unchanged.");

    public static string Unchanged(Plan plan)
    {
        var unchanged = plan.Summary.Unchanged;
        var registrations = plan.Registrations.Count;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{unchanged} customer {(unchanged == 1 ? "subscription" : "subscriptions")} unchanged in {registrations} {(registrations == 1 ? "registration" : "registrations")}.");
    }

    public static string ActionWord(ChangeAction action) => action switch
    {
        ChangeAction.Add => "add",
        ChangeAction.Overwrite => "overwrite",
        ChangeAction.Remove => "remove",
        _ => "unchanged",
    };

    /// <summary>
    /// Makes user input (a label) safe to print: control characters, format characters (bidi overrides, zero-width
    /// characters), line and paragraph separators and lone surrogates become a visible <c>\uXXXX</c>, so that no
    /// terminal escape sequence or line break can be injected.
    /// </summary>
    public static string Sanitize(string value)
    {
        var i = 0;
        while (i < value.Length && !MustEscape(value, i))
        {
            i++;
        }

        if (i == value.Length)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 16).Append(value, 0, i);
        for (; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (MustEscape(value, i))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static bool MustEscape(string value, int index)
    {
        var c = value[index];
        if (char.IsHighSurrogate(c))
        {
            return index + 1 >= value.Length || !char.IsLowSurrogate(value[index + 1]);
        }

        if (char.IsLowSurrogate(c))
        {
            return index == 0 || !char.IsHighSurrogate(value[index - 1]);
        }

        return CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control
            or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator;
    }
}
