using System.ComponentModel.DataAnnotations;
using CommandCenter.Clients;

namespace CommandCenter.Web.Features.Clients.ClientDetail;

/// <summary>The recurring-line form's fields; the same rules as <see cref="SaveLine.Validate"/>, checked before the round trip.</summary>
public sealed class LineFormModel : IValidatableObject
{
    [Required(ErrorMessage = "Choose a catalog item.")]
    public Guid? ItemId { get; set; }

    [Required(ErrorMessage = "Enter a quantity.")]
    [Range(typeof(decimal), "0", "1000000", ErrorMessage = "Quantity must be between 0 and 1,000,000.")]
    public decimal? Quantity { get; set; }

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
        Quantity = line.Quantity,
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
        Reason);
}
