"""The organisation's settings as the beheerder sees and changes them (``klachtdesk instellingen``)."""
