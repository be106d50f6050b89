"""The container images of a resource, resolved against the stack: shared by CKV_MLM_002, 003, 004 and 013."""

from __future__ import annotations

from dataclasses import dataclass

from mlmarket import images
from mlmarket.model import ResolvedImage, Resource, Stack, Unknown
from mlmarket.model.containers import ImageField, image_fields


@dataclass(frozen=True)
class ImageUse:
    field: ImageField
    image: ResolvedImage

    @property
    def where(self) -> str:
        """The attribute path, and the in-configuration resource the image comes from when it is traced."""
        if self.image.origin_address is not None:
            return f"{self.field.path} ({self.image.origin_address})"
        return self.field.path


def resolved_images(resource: Resource, stack: Stack) -> list[ImageUse] | Unknown:
    """Every image of the resource, each parsed or traced to the in-configuration resource that makes it."""
    fields = image_fields(resource)
    if isinstance(fields, Unknown):
        return fields
    return [ImageUse(field, stack.resolve_image(field.value, resource)) for field in fields]


def private_ecr_images(resource: Resource, stack: Stack) -> list[ImageUse]:
    """The images known to be in private Amazon ECR; the others are CKV_MLM_002's concern."""
    uses = resolved_images(resource, stack)
    if isinstance(uses, Unknown):
        return []
    return [use for use in uses if use.image.kind == images.PRIVATE_ECR]
