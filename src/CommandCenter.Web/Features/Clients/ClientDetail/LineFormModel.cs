using System.ComponentModel.DataAnnotations;
using CommandCenter.Billing;
using CommandCenter.Clients;

namespace CommandCenter.Web.Features.Clients.ClientDetail;

/// <summary>The recurring-line form's fields; the same rules as <see cref="SaveLine.Validate"/>, checked before the round trip.</summary>
public sealed class LineFormModel : IValidatableObject
{
    [Required(ErrorMessage = "Choose a catalog item.")]
    public Guid? ItemId { get; set; }

    /// <summary>Manual (a number someone keeps) or Vendor (a count from a connection's newest snapshot).</summary>
    public QuantitySourceKind SourceKind { get; set; } = QuantitySourceKind.Manual;

    [RequiredWhen(nameof(IsVendor), false, ErrorMessage = "Enter a quantity.")]
    [Range(typeof(decimal), "0", "1000000", ErrorMessage = "Quantity must be between 0 and 1,000,000.")]
    public decimal? Quantity { get; set; }

    [RequiredWhen(nameof(IsVendor), true, ErrorMessage = "Choose the vendor connection the count comes from.")]
    public Guid? ConnectionId { get; set; }

    [RequiredWhen(nameof(IsVendor), true, ErrorMessage = "Choose what the connection counts.")]
    public string? Metric { get; set; }

    /// <summary>Devices and agents: the asset classes counted (none = every class).</summary>
    public IReadOnlyCollection<string> Classes { get; set; } = [];

    /// <summary>Licences: the product counted (as the vendor names it, or its id or SKU).</summary>
    [RequiredWhen(nameof(IsLicence), true, ErrorMessage = "A licence line needs the product it counts.")]
    [StringLength(200, ErrorMessage = "Product must be at most 200 characters.")]
    public string? Product { get; set; }

    /// <summary>Licences: bill what was purchased or what is assigned.</summary>
    public string Basis { get; set; } = VendorBinding.Purchased;

    [Range(typeof(decimal), "0", "10000000", ErrorMessage = "Unit price must be between 0 and 10,000,000.")]
    public decimal? UnitPrice { get; set; }

    [Range(typeof(decimal), "0", "1000000", ErrorMessage = "Included units cannot be negative.")]
    public decimal IncludedUnits { get; set; }

    [Range(typeof(decimal), "0", "1000000", ErrorMessage = "Minimum cannot be negative.")]
    public decimal Minimum { get; set; }

    [Required(ErrorMessage = "Choose the first day the line bills.")]
    public DateTime? EffectiveFrom { get; set; }

    public DateTime? EffectiveTo { get; set; }

    [StringLength(RecurringLine.DescriptionMaxLength, ErrorMessage = "Description must be at most 400 characters.")]
    public string? Description { get; set; }

    [StringLength(1000)]
    public string? Reason { get; set; }

    public bool IsVendor => SourceKind == QuantitySourceKind.Vendor;

    /// <summary>Devices and agents take a class filter; workstations and servers imply their class.</summary>
    public bool TakesClasses => IsVendor && Metric is SourceMetrics.Devices or SourceMetrics.Agents;

    public bool IsLicence => IsVendor && Metric == SourceMetrics.Licences;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (EffectiveFrom is { } from && EffectiveTo is { } to && to.Date <= from.Date)
        {
            yield return new ValidationResult("The end date must be after the start date (the end date is exclusive).", [nameof(EffectiveTo)]);
        }
    }

    public static LineFormModel From(LineDetail line) => new()
    {
        ItemId = line.ItemId,
        SourceKind = line.Source is null ? QuantitySourceKind.Manual : QuantitySourceKind.Vendor,
        Quantity = line.Quantity,
        ConnectionId = line.Source?.ConnectionId,
        Metric = line.Source?.Metric,
        Classes = VendorBinding.SplitClasses(line.Source?.Classes).ToList(),
        Product = line.Source?.Product,
        Basis = line.Source?.Basis ?? VendorBinding.Purchased,
        UnitPrice = line.UnitPriceOverride,
        IncludedUnits = line.IncludedUnits,
        Minimum = line.Minimum,
        EffectiveFrom = line.EffectiveFrom.ToDateTime(TimeOnly.MinValue),
        EffectiveTo = line.EffectiveTo?.ToDateTime(TimeOnly.MinValue),
        Description = line.Description,
    };

    public SaveLine.Request ToRequest() => new(
        ItemId ?? Guid.Empty,
        Quantity ?? 0,
        UnitPrice,
        IncludedUnits,
        Minimum,
        EffectiveFrom is { } from ? DateOnly.FromDateTime(from) : null,
        EffectiveTo is { } to ? DateOnly.FromDateTime(to) : null,
        Description,
        Reason,
        IsVendor
            ? new SaveLine.VendorSource(
                ConnectionId ?? Guid.Empty,
                Metric ?? "",
                TakesClasses && Classes.Count > 0 ? string.Join(",", Classes) : null,
                IsLicence ? Product : null,
                IsLicence ? Basis : null)
            : null);

    /// <summary>Required only while the flag property has the given value (a vendor line has no quantity; a manual one no connection).</summary>
    [AttributeUsage(AttributeTargets.Property)]
    private sealed class RequiredWhenAttribute(string flag, bool value) : ValidationAttribute
    {
        protected override ValidationResult? IsValid(object? fieldValue, ValidationContext validationContext)
        {
            var applies = validationContext.ObjectType.GetProperty(flag)?.GetValue(validationContext.ObjectInstance) is bool b && b == value;
            var missing = fieldValue is null || fieldValue is string text && string.IsNullOrWhiteSpace(text);
            return applies && missing ? new ValidationResult(ErrorMessage, validationContext.MemberName is { } member ? [member] : null) : ValidationResult.Success;
        }
    }
}
