"""Pixel and sample providers: how the engine gets bytes (`resolve`) and decodes them."""
