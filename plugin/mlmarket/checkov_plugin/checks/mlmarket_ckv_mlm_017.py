try:
    from mlmarket.checkov_plugin.adapter import MlmarketCheck
except Exception as error:  # fail closed: checkov would skip this check without a word (see unloadable.py)
    from mlmarket.checkov_plugin.unloadable import UnloadableCheck

    check = UnloadableCheck("CKV_MLM_017", error)
else:

    class CKV_MLM_017(MlmarketCheck):
        rule_id = "CKV_MLM_017"

    check = CKV_MLM_017()
